#!/usr/bin/env python3
# An independent check of Bayesian compression's own pruning after the tutorial's 5 epochs: a group normal-Jeffreys
# LeNet-300-100 written from the definitions of KarenUllrich/Tutorial_BayesianCompressionForDL (BayesianLayers.py,
# example.py): z ~ N(z_mu, exp(z_logvar)) per input, local reparameterisation, KL of Molchanov et al.'s eq. 14 plus
# the Gaussian weight term, Adam 1e-3, batch 128, inputs 2(x - 0.5), thresholds -2.8 / -3 / -5 on log alpha.
import math, struct, sys, time
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F
# usage: python3 scripts/bc_gnj_check.py [SEED] [MNIST_DIR]  (about 4 minutes on one thread)
torch.set_num_threads(1)
torch.manual_seed(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
root = (sys.argv[2] if len(sys.argv) > 2 else 'data/mnist').rstrip('/') + '/'
def idx(path):
    with open(path, 'rb') as f:
        data = f.read()
    ndim = data[3]; shape = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)
xtr = torch.tensor(idx(root + 'train-images-idx3-ubyte'), dtype=torch.float32).view(-1, 784) / 255 * 2 - 1
ytr = torch.tensor(idx(root + 'train-labels-idx1-ubyte'), dtype=torch.long)
xte = torch.tensor(idx(root + 't10k-images-idx3-ubyte'), dtype=torch.float32).view(-1, 784) / 255 * 2 - 1
yte = torch.tensor(idx(root + 't10k-labels-idx1-ubyte'), dtype=torch.long)
class GNJ(nn.Module):
    def __init__(s, i, o, clip=None):
        super().__init__(); s.clip = clip
        s.z_mu = nn.Parameter(torch.randn(i) * 1e-2 + 1); s.z_logvar = nn.Parameter(torch.randn(i) * 1e-2 - 9)
        s.w_mu = nn.Parameter(torch.randn(o, i) / math.sqrt(i)); s.w_logvar = nn.Parameter(torch.randn(o, i) * 1e-2 - 9)
        s.b_mu = nn.Parameter(torch.zeros(o)); s.b_logvar = nn.Parameter(torch.randn(o) * 1e-2 - 9)
    def log_alpha(s): return s.z_logvar - torch.log(s.z_mu ** 2 + 1e-8)
    def forward(s, x):
        if s.training:
            z = s.z_mu + torch.randn(x.shape[0], s.z_mu.numel()) * (0.5 * s.z_logvar).exp()
        else:
            z = s.z_mu.expand(x.shape[0], -1)
        xz = x * z
        mu = F.linear(xz, s.w_mu, s.b_mu)
        if not s.training: return mu
        var = F.linear(xz ** 2, s.w_logvar.exp(), s.b_logvar.exp())
        return mu + torch.randn_like(mu) * var.sqrt()
    def kl(s):
        k1, k2, k3 = 0.63576, 1.87320, 1.48695; la = s.log_alpha()
        kl = -torch.sum(k1 * torch.sigmoid(k2 + k3 * la) - 0.5 * F.softplus(-la) - k1)
        kl = kl + torch.sum(-0.5 * s.w_logvar + 0.5 * (s.w_logvar.exp() + s.w_mu ** 2) - 0.5)
        return kl + torch.sum(-0.5 * s.b_logvar + 0.5 * (s.b_logvar.exp() + s.b_mu ** 2) - 0.5)
    def clip_(s):
        if s.clip:
            with torch.no_grad(): s.w_logvar.clamp_(max=math.log(s.clip)); s.b_logvar.clamp_(max=math.log(s.clip))
layers = [GNJ(784, 300, 0.04), GNJ(300, 100), GNJ(100, 10)]
net = nn.ModuleList(layers)
def fwd(x):
    return layers[2](F.relu(layers[1](F.relu(layers[0](x)))))
opt = torch.optim.Adam(net.parameters())
th = [-2.8, -3, -5]
for epoch in range(1, 6):
    net.train(); perm = torch.randperm(60000); t = time.time()
    for b in range(0, 60000, 128):
        i = perm[b:b + 128]
        loss = F.cross_entropy(fwd(xtr[i]), ytr[i]) + sum(l.kl() for l in layers) / 60000.
        opt.zero_grad(); loss.backward(); opt.step()
        for l in layers: l.clip_()
    net.eval()
    with torch.no_grad():
        acc = (fwd(xte).argmax(1) == yte).float().mean().item()
        kept = [int((l.log_alpha() < t_).sum()) for l, t_ in zip(layers, th)]
        la = [round(float(l.log_alpha().median()), 2) for l in layers]
    print(f'epoch {epoch}: test {acc:.4f}, kept input groups fc1 {kept[0]}/784 fc2 {kept[1]}/300 fc3 {kept[2]}/100, '
          f'median log alpha {la}, {time.time() - t:.0f}s', flush=True)
