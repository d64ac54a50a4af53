#!/usr/bin/env python3
"""Reads a Caffe .caffemodel (no Caffe needed: a minimal protobuf reader) and prints per layer the nonzero counts,
and, for LeNet-300-100 / LeNet-5 (Caffe layouts), the MNIST test error at Caffe's input scale 1/256.

Used to check published numbers against the authors' released models, e.g. yiwenguo/Dynamic-Network-Surgery
models/lenet300100/caffe_lenet300100_{original,sparse}.caffemodel: 2.28% and 1.99% (Table 1 of Guo et al. 2016).

Usage: python3 scripts/caffemodel_check.py --mnist data/mnist MODEL.caffemodel [...]
"""
import struct, sys, numpy as np
def varint(b, i):
    r = s = 0
    while True:
        c = b[i]; i += 1; r |= (c & 0x7f) << s; s += 7
        if c < 0x80: return r, i
def fields(b):
    i = 0
    while i < len(b):
        k, i = varint(b, i); f, w = k >> 3, k & 7
        if w == 0: v, i = varint(b, i)
        elif w == 1: v = b[i:i+8]; i += 8
        elif w == 5: v = b[i:i+4]; i += 4
        elif w == 2:
            n, i = varint(b, i); v = b[i:i+n]; i += n
        else: raise ValueError(w)
        yield f, w, v
def blob(b):
    data = []; shape = []
    for f, w, v in fields(b):
        if f == 5:
            if w == 2: data.append(np.frombuffer(v, '<f4'))
            else: data.append(np.frombuffer(v, '<f4'))
        elif f == 7:
            for f2, w2, v2 in fields(v):
                if f2 == 1:
                    if w2 == 2:
                        j = 0
                        while j < len(v2):
                            d, j = varint(v2, j); shape.append(d)
                    else: shape.append(v2)
        elif f in (1,2,3,4) and w == 0: shape.append(('legacy', f, v))
    return np.concatenate(data) if data else np.zeros(0), shape
def layers(path):
    b = open(path, 'rb').read(); out = []
    for f, w, v in fields(b):
        if f in (100, 2) and w == 2:
            name = None; typ = None; blobs = []
            for f2, w2, v2 in fields(v):
                if f2 == 1 and w2 == 2: name = v2.decode()
                elif f2 == 2 and w2 == 2: typ = v2.decode()
                elif f2 == 5 and w2 == 0 and f == 2: typ = v2
                elif (f == 100 and f2 == 7) or (f == 2 and f2 == 6): blobs.append(blob(v2))
            out.append((name, typ, blobs))
    return out
import argparse, gzip, os


def idx(path):
    b = (gzip.open if path.endswith('.gz') else open)(path, 'rb').read()
    nd = b[3]
    dims = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], 'big') for i in range(nd)]
    return np.frombuffer(b, np.uint8, offset=4 + 4 * nd).reshape(dims)


def conv(x, w, b):  # valid convolution, stride 1, N C H W
    k = w.shape[2]
    cols = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(2, 3))
    return np.einsum('nchwij,ocij->nohw', cols, w, optimize=True) + b[None, :, None, None]


def pool(x):
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))


def logits(params, x):
    if 'conv1' in params:  # Caffe's LeNet-5: conv 20, pool, conv 50, pool, ip 500, ReLU, ip 10
        h = pool(conv(x.reshape(-1, 1, 28, 28), *params['conv1']))
        h = pool(conv(h, *params['conv2'])).reshape(len(x), -1)
        h = np.maximum(h @ params['ip1'][0].T + params['ip1'][1], 0)
        return h @ params['ip2'][0].T + params['ip2'][1]
    h = x.reshape(len(x), -1)  # LeNet-300-100: ip 300, ReLU, ip 100, ReLU, ip 10
    h = np.maximum(h @ params['ip1'][0].T + params['ip1'][1], 0)
    h = np.maximum(h @ params['ip2'][0].T + params['ip2'][1], 0)
    return h @ params['ip3'][0].T + params['ip3'][1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--mnist', help='folder with t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz]')
    ap.add_argument('models', nargs='+')
    a = ap.parse_args()
    data = None
    if a.mnist:
        files = sorted(os.listdir(a.mnist))
        images = [f for f in files if f.startswith('t10k-images')][0]
        labels = [f for f in files if f.startswith('t10k-labels')][0]
        data = (idx(os.path.join(a.mnist, images)).astype(np.float32) * 0.00390625,
                idx(os.path.join(a.mnist, labels)))
    for path in a.models:
        params = {}
        weights = nonzero = 0
        for name, typ, blobs in layers(path):
            if blobs:
                params[name] = [d.reshape(s) for d, s in blobs]
                counts = ', '.join('%d of %d nonzero' % (int((d != 0).sum()), len(d)) for d, s in blobs)
                print('%s  %s (%s): %s' % (path, name, typ, counts))
                weights += len(blobs[0][0])
                nonzero += int((blobs[0][0] != 0).sum())
        print('%s  weights: %d of %d nonzero (compression %.1fx)' % (path, nonzero, weights, weights / nonzero))
        if data is not None:
            err = (logits(params, data[0]).argmax(1) != data[1]).mean()
            print('%s  MNIST test error %.2f%%' % (path, 100 * err))


if __name__ == '__main__':
    main()
