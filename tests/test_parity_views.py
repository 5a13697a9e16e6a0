"""Views, in-place ops and saved tensors against a live torch 2.13 (skipped when torch is absent, a failure under
CI): each program runs twice, with `torch` bound to torch and to minigrad, and prints the same text, errors included."""
import contextlib
import io
import re
import textwrap

import pytest
from helpers import require_torch

PROGRAMS = {
    "stale view": """
        x = torch.tensor([1., 2.], requires_grad=True); y = x * 2; v = y[0]
        print(v.grad_fn.name())
        y.mul_(3)
        print(v.grad_fn.name(), v.grad_fn.next_functions[0][0].name(), v)
        v.backward(); print(x.grad)
    """,
    "relu inplace view": """
        x = torch.tensor([1., -2., 3.], requires_grad=True); h = x*2; s = h[:2]
        torch.nn.functional.relu(h, inplace=True); print(h, s)
        s.sum().backward(); print(x.grad)
    """,
    "slice mul_": """
        x = torch.tensor([1., 2., 3.], requires_grad=True); y = x*1
        v = y[:2]; r = v.mul_(10); print(r is v, v, y, y.grad_fn.name())
        print([(f.name() if f else None, n) for f, n in y.grad_fn.next_functions])
        print(v.grad_fn.next_functions[0][0] is y.grad_fn)
        y.sum().backward(); print(x.grad)
    """,
    "view add_": """
        x = torch.tensor([1., 2., 3., 4.], requires_grad=True); y = x*1
        w = y.view(2,2); w.add_(1); print(w, y)
        (y*torch.arange(4.)).sum().backward(); print(x.grad)
    """,
    "column div_": """
        x = torch.tensor([[1., 2.],[3.,4.]], requires_grad=True); y = x*1
        v = y[:,0]; v.div_(3); print(v, y)
        (y*torch.tensor([[1.,2.],[3.,4.]])).sum().backward(); print(x.grad)
    """,
    "leaf view": """
        x = torch.tensor([1., 2.], requires_grad=True)
        try:
            x.view(2).mul_(2)
        except RuntimeError as e: print(e)
        try:
            x[0].zero_()
        except RuntimeError as e: print(e)
    """,
    "nograd view of leaf": """
        x = torch.tensor([1., 2.], requires_grad=True)
        with torch.no_grad():
            nv = x[:1]
        print(nv, nv.requires_grad, nv.is_leaf, nv.grad_fn)
        nv.mul_(2)
    """,
    "nograd view then nograd inplace": """
        x = torch.tensor([1., 2.], requires_grad=True)
        y = x * 2
        with torch.no_grad():
            nv = y[:1]
            nv.mul_(2)
        print(y, nv)
        y.sum().backward(); print(x.grad)
    """,
    "nograd view of nonleaf, inplace on base": """
        x = torch.tensor([1., 2.], requires_grad=True)
        y = x * 2
        with torch.no_grad():
            nv = y[:1]
        y.mul_(2)
        print(nv)
        print(nv.grad_fn)
    """,
    "nograd view used later": """
        x = torch.tensor([1., 2.], requires_grad=True)
        with torch.no_grad():
            nv = x[:1]
        z = nv * 2
        print(z, z.grad_fn.next_functions)
        z.sum().backward()
        print(x.grad)
    """,
    "multiple views": """
        x = torch.tensor([1., 2., 3., 4.], requires_grad=True); y = x*1
        a = y[:2]; b = y[2:]; c = y[1:3]
        a.mul_(2)
        print(a.grad_fn.name(), b.grad_fn.name(), c.grad_fn.name(), y.grad_fn.name())
        b.mul_(3)
        print(a.grad_fn.name(), b.grad_fn.name(), c.grad_fn.name(), y.grad_fn.name())
        (c * torch.tensor([1., 10.])).sum().backward(); print(x.grad)
    """,
    "view of view": """
        x = torch.tensor([[1., 2., 3.],[4., 5., 6.]], requires_grad=True); y = x*1
        r = y[1]; e = r[1:]
        e.mul_(10)
        print(y, r, e, y.grad_fn.name(), r.grad_fn.name(), e.grad_fn.name(), e._base is y, r._base is y)
        (y * torch.arange(6.).view(2,3)).sum().backward(); print(x.grad)
    """,
    "base inplace after view modified": """
        x = torch.tensor([1., 2., 3.], requires_grad=True); y = x*1
        v = y[:2]; v.mul_(2); y.mul_(3)
        print(v, y, v.grad_fn.name(), y.grad_fn.name())
        v.sum().backward(); print(x.grad)
    """,
    "detach view": """
        x = torch.tensor([1., 2.], requires_grad=True); y = x * 2
        d = y.detach(); dv = d[:1]; dv.mul_(5); print(y, d, dv, dv.grad_fn, dv.requires_grad)
        y.sum().backward(); print(x.grad)
    """,
    "setitem on nonleaf basic": """
        x = torch.tensor([1., 2., 3.], requires_grad=True); y = x*1
        y[0] = x[1] * 5
        print(y, y.grad_fn.name(), [(f.name() if f else None, n) for f, n in y.grad_fn.next_functions])
        y.sum().backward(); print(x.grad)
    """,
    "setitem advanced": """
        x = torch.tensor([1., 2., 3.], requires_grad=True); y = x*1
        y[torch.tensor([0, 2])] = x[1] * 5
        print(y, y.grad_fn.name(), [(f.name() if f else None, n) for f, n in y.grad_fn.next_functions])
        y.sum().backward(); print(x.grad)
    """,
    "setitem mask": """
        x = torch.tensor([1., 2., 3.], requires_grad=True); y = x*1
        y[y > 1.5] = 0.
        print(y, y.grad_fn.name(), [(f.name() if f else None, n) for f, n in y.grad_fn.next_functions])
        y.sum().backward(); print(x.grad)
    """,
    "setitem number on nonleaf": """
        x = torch.tensor([1., 2., 3.], requires_grad=True); y = x*1
        y[1:] = 7.
        print(y, y.grad_fn.name(), [(f.name() if f else None, n) for f, n in y.grad_fn.next_functions])
        y.sum().backward(); print(x.grad)
    """,
    "split inplace": """
        x = torch.tensor([1., 2., 3., 4.], requires_grad=True); y = x*1
        a, b = y.split(2)
        a.mul_(2)
    """,
    "unbind inplace": """
        x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x*1
        a, b = y.unbind()
        a.mul_(2)
    """,
    "split then base inplace": """
        x = torch.tensor([1., 2., 3., 4.], requires_grad=True); y = x*1
        a, b = y.split(2)
        y.mul_(2)
        print(a)
        z = a * 2
    """,
    "expand inplace": """
        x = torch.tensor([1., 2.], requires_grad=True); y = x*1
        e = y.expand(3, 2)
        e.mul_(2)
    """,
    "expand after base change": """
        x = torch.tensor([1., 2.], requires_grad=True); y = x*1
        e = y.expand(3, 2)
        y.mul_(2)
        print(e.grad_fn.name())
        e.sum().backward(); print(x.grad)
    """,
    "transpose view inplace": """
        x = torch.tensor([[1., 2.],[3., 4.]], requires_grad=True); y = x*1
        t = y.t(); t[0].mul_(10)
        print(y, t, t.grad_fn.name())
        (y * torch.tensor([[1., 2.],[3., 4.]])).sum().backward(); print(x.grad)
    """,
    "base nograd change then view": """
        x = torch.tensor([1., 2., 3.], requires_grad=True); y = x * 2; v = y[1:]
        with torch.no_grad():
            y.mul_(10)
        print(v, v.grad_fn.next_functions[0][0].name())
        v.sum().backward(); print(x.grad)
    """,
    "leaf view after optimizer step": """
        w = torch.tensor([1., 2., 3.], requires_grad=True); v = w[:2]
        with torch.no_grad():
            w -= 0.5
        print(v, v.grad_fn.name(), v.grad_fn.next_functions[0][0].name())
        (v * v).sum().backward(); print(w.grad)
    """,
    "setitem number": """
        x = torch.tensor([1., 2., 3.], requires_grad=True); y = x*1
        y[1:] = 7.
        print(y, y.grad_fn.name(), [(f.name() if f else None, n) for f, n in y.grad_fn.next_functions])
    """,
    "setitem tensor number": """
        x = torch.tensor([1., 2., 3.], requires_grad=True); y = x*1
        y[1] = torch.tensor(7.)
        print(y, [(f.name() if f else None, n) for f, n in y.grad_fn.next_functions])
    """,
    "augmented slice": """
        x = torch.tensor([1., 2., 3.], requires_grad=True); y = x*1
        y[:2] += x[1:]
        print(y, y.grad_fn.name(), [(f.name() if f else None, n) for f, n in y.grad_fn.next_functions])
        y.backward(torch.tensor([1., 10., 100.])); print(x.grad)
    """,
    "augmented slice mul": """
        x = torch.tensor([1., 2., 3.], requires_grad=True); y = x*1
        y[1:] *= y[:2].detach() + x[:2]
        y.backward(torch.tensor([1., 10., 100.])); print(x.grad, y)
    """,
    "double backward through copyslices": """
        x = torch.tensor([1., 2., 3.], requires_grad=True); y = x*x
        y[:2].mul_(x[1:])
        g, = torch.autograd.grad(y.sum(), x, create_graph=True)
        print(g, g.grad_fn.name())
        g.sum().backward(); print(x.grad)
    """,
    "retain_grad base": """
        x = torch.tensor([1., 2., 3.], requires_grad=True); y = x*1
        y.retain_grad()
        y[:2].mul_(2)
        (y * torch.tensor([1., 2., 3.])).sum().backward(); print(y.grad, x.grad)
    """,
    "retain_grad nonview inplace": """
        x = torch.tensor([1., 2., 3.], requires_grad=True); y = x*1
        y.retain_grad()
        y.mul_(2)
        (y * torch.tensor([1., 2., 3.])).sum().backward(); print(y.grad, x.grad)
    """,
    "retain_grad view inplace": """
        x = torch.tensor([1., 2., 3.], requires_grad=True); y = x*1
        v = y[:2]; v.retain_grad()
        v.mul_(2)
        (y * torch.tensor([1., 2., 3.])).sum().backward(); print(v.grad, x.grad)
    """,
    "view hook inplace": """
        x = torch.tensor([1., 2., 3.], requires_grad=True); y = x*1
        y.register_hook(lambda g: print("hook y", g))
        y[:2].mul_(2)
        (y * torch.tensor([1., 2., 3.])).sum().backward(); print(x.grad)
    """,
    "split nograd inplace nograd then print": """
        x = torch.tensor([1., 2., 3., 4.], requires_grad=True); y = x*1
        a, b = y.split(2)
        with torch.no_grad():
            a.mul_(2)
        print(a, b)
    """,
    "unsqueeze squeeze expand through base": """
        x = torch.tensor([1., 2.], requires_grad=True); y = x*1
        u = y.unsqueeze(0); s = u.squeeze(0); e = y.expand(2, 2); t = y[None]
        y.mul_(3)
        print(u, s, e, t)
        (u.sum() + s.sum() + e.sum() + t.sum()).backward(); print(x.grad)
    """,
    "inference view": """
        x = torch.tensor([1., 2.], requires_grad=True)
        with torch.inference_mode():
            v = x[:1]
        print(v.requires_grad, v.is_inference())
        try:
            v.mul_(2)
        except RuntimeError as e: print(e)
    """,
    "view of nonrequiring base gets grad": """
        x = torch.tensor([1., 2.], requires_grad=True)
        y = torch.zeros(4); w = y[2:]; v = y[:2]
        v.add_(x)
        print(y, v, w, w.requires_grad, v.grad_fn.name(), y.grad_fn.name())
        print([(f.name() if f else None, n) for f, n in y.grad_fn.next_functions])
        z = (w + 1).sum() + (y * 2).sum()
        z.backward(); print(x.grad)
    """,
    "inplace view on tensor not requiring, nothing requires": """
        y = torch.zeros(4); v = y[:2]; v.add_(1); print(y, y.grad_fn, v.requires_grad)
    """,
    "expand setitem": """
        x = torch.tensor([1., 2.], requires_grad=True); y = x * 1
        e = y.expand(3, 2)
        e[0] = torch.tensor([5., 6.])
        print(y, e)
    """,
    "expand row inplace": """
        y = torch.zeros(2); e = y.expand(3, 2)
        e[1].add_(1); print(y)
    """,
    "zero_ on expand": """
        y = torch.ones(2); e = y.expand(3, 2)
        e.zero_(); print(y, e)
    """,
    "stale view version error message": """
        x = torch.tensor([1., 2.], requires_grad=True)
        y = x * 1; v = y[:1]; z = v * v; y.mul_(2)
        z.sum().backward()
    """,
    "version counter values": """
        x = torch.tensor([1., 2., 3.], requires_grad=True); y = x * 1; v = y[:2]; w = v[1:]
        w.mul_(2); print(x._version, y._version, v._version, w._version)
        y[0] = 3.; print(y._version, v._version, w._version)
    """,
    "t view base modifications": """
        x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True); y = x * 1
        t = y.t(); y[0, 1] = 10.
        print(t, t.grad_fn.name())
        (t * torch.tensor([[1., 2.], [3., 4.]])).sum().backward(); print(x.grad)
    """,
    "permute chain inplace": """
        x = torch.arange(6.).view(1, 2, 3).requires_grad_(); y = x * 1
        p = y.permute(2, 0, 1)[1:]
        p.mul_(-1)
        print(y)
        (y * torch.arange(6.).view(1, 2, 3)).sum().backward(); print(x.grad)
    """,
    "relu_ on view": """
        x = torch.tensor([1., -2., 3.], requires_grad=True); y = x * 1
        y[1:].relu_()
        print(y)
        y.sum().backward(); print(x.grad)
    """,
    "clamp_ view": """
        x = torch.tensor([1., -2., 3.], requires_grad=True); y = x * 1
        y[1:].clamp_(-1, 1)
        print(y)
        y.sum().backward(); print(x.grad)
    """,
    "copy_ view from other": """
        x = torch.tensor([1., -2., 3.], requires_grad=True); y = x * 1
        y[1:].copy_(x[:2] * 5)
        print(y, [(f.name() if f else None, n) for f, n in y.grad_fn.next_functions])
        y.sum().backward(); print(x.grad)
    """,
    "mask setitem leaf": """
        x = torch.tensor([1., -2., 3.], requires_grad=True)
        x[x > 0] = 0.
    """,
    "index setitem leaf": """
        x = torch.tensor([1., -2., 3.], requires_grad=True)
        x[[0]] = 0.
    """,
    "mask setitem on view": """
        x = torch.tensor([1., -2., 3.], requires_grad=True); y = x * 1
        v = y[1:]
        v[v > 0] = 0.
        print(y, y.grad_fn.name(), v.grad_fn.name())
        y.sum().backward(); print(x.grad)
    """,
    "pow1 output": """
        x = torch.tensor([1., 2.], requires_grad=True)
        y = x ** x; y.div_(3)
        y.backward(torch.ones(2))
    """,
    "max1 saved output": """
        x = torch.tensor([1., 2.], requires_grad=True)
        y = x.max(); y.mul_(2); y.backward()
    """,
    "max dim": """
        x = torch.tensor([[1., 2.],[3., 0.]], requires_grad=True)
        y = x.max(dim=0)[0]; y.mul_(2); y.sum().backward(); print(x.grad)
    """,
    "input saved then copyslices": """
        x = torch.tensor([1., 2.], requires_grad=True)
        y = x * 1; z = y ** 2; y[0:1].mul_(2)
        z.sum().backward()
    """,
    "input saved then setitem": """
        x = torch.tensor([1., 2.], requires_grad=True)
        y = x * 1; z = y ** 2; y[0] = 5.
        z.sum().backward()
    """,
    "saved view modified through base": """
        x = torch.tensor([1., 2.], requires_grad=True)
        y = x * 1; v = y[:1]; z = v ** 2; y.mul_(2)
        z.sum().backward()
    """,
    "saved view modified through itself": """
        x = torch.tensor([1., 2.], requires_grad=True)
        y = x * 1; v = y[:1]; z = v ** 2; v.mul_(2)
        z.sum().backward()
    """,
    "relu output": """
        x = torch.tensor([1., 2.], requires_grad=True)
        y = x.relu(); z = y * y; y.add_(1); z.sum().backward()
    """,
    "tanh out": """
        x = torch.tensor([1., 2.], requires_grad=True)
        y = x.tanh(); y.mul_(2); y.sum().backward()
    """,
    "softmax out": """
        x = torch.tensor([1., 2.], requires_grad=True)
        y = x.softmax(0); y.mul_(2); y.sum().backward()
    """,
    "mixed dtype saved": """
        x = torch.tensor([1., 2.], requires_grad=True)
        w = torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True)
        y = x * 1; z = y * w; y.add_(1); z.sum().backward()
    """,
    "mixed dtype saved 2": """
        x = torch.tensor([1., 2.], requires_grad=True)
        w = torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True)
        y = x * 1; z = y * w
        print(z.grad_fn.name())
        print([(f.name() if f else None, n) for f, n in z.grad_fn.next_functions])
        w2 = w.detach(); w2.add_(1); z.sum().backward()
    """,
    "mixed dtype 0d": """
        x = torch.tensor([1., 2.], requires_grad=True)
        s = torch.tensor(3., dtype=torch.float64, requires_grad=True)
        z = x * s
        print(z, [(f.name() if f else None, n) for f, n in z.grad_fn.next_functions])
        z.sum().backward(); print(x.grad, s.grad)
    """,
    "int float mix": """
        x = torch.tensor([1., 2.], requires_grad=True)
        i = torch.tensor([1, 2])
        z = x * i
        print(z, [(f.name() if f else None, n) for f, n in z.grad_fn.next_functions])
        z = x + i
        print(z, [(f.name() if f else None, n) for f, n in z.grad_fn.next_functions])
    """,
    "where second backward": """
        x = torch.tensor([1., -2.], requires_grad=True)
        y = torch.where(x > 0, x, 0.).sum()
        y.backward(); print(x.grad)
        y.backward(); print(x.grad)
    """,
    "mask second backward": """
        x = torch.tensor([1., -2.], requires_grad=True)
        y = x[x > 0].sum()
        y.backward(); print(x.grad)
        y.backward(); print(x.grad)
    """,
    "select second backward": """
        x = torch.tensor([1., -2.], requires_grad=True)
        y = x[0] * 1
        y.backward(); print(x.grad)
        y.backward(); print(x.grad)
    """,
    "setitem ell number": """
        x = torch.tensor([1., 2., 3.], requires_grad=True); y = x * 1
        y[...] = 7.
        print(y, y.grad_fn.name())
        print([(f.name() if f else None, n) for f, n in y.grad_fn.next_functions])
    """,
    "setitem ell 0d tensor": """
        x = torch.tensor([1., 2., 3.], requires_grad=True); y = x * 1
        y[...] = x[0] * 2
        print(y, y.grad_fn.name())
        print([(f.name() if f else None, n) for f, n in y.grad_fn.next_functions])
        y.sum().backward(); print(x.grad)
    """,
    "setitem ell same shape": """
        x = torch.tensor([1., 2., 3.], requires_grad=True); y = x * 1
        y[...] = x * 2
        print(y, y.grad_fn.name())
        print([(f.name() if f else None, n) for f, n in y.grad_fn.next_functions])
    """,
    "setitem ell broadcast": """
        x = torch.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True); y = x * 1
        y[:, :] = x[0] * 2
        print(y, y.grad_fn.name())
        print([(f.name() if f else None, n) for f, n in y.grad_fn.next_functions])
        y.sum().backward(); print(x.grad)
    """,
    "setitem slice 0d tensor": """
        x = torch.tensor([1., 2., 3.], requires_grad=True); y = x * 1
        y[:2] = x[2] * 2
        print(y, y.grad_fn.name())
        print([(f.name() if f else None, n) for f, n in y.grad_fn.next_functions])
        y.sum().backward(); print(x.grad)
    """,
    "setitem 0d unsqueeze setitem": """
        x = torch.tensor(2., requires_grad=True); y = x * 1
        y[..., None] = torch.tensor([5.])
        print(y, y.grad_fn.name())
    """,
    "setitem setitem leaf ell nograd": """
        x = torch.tensor([1., 2., 3.])
        x[...] = 5.
        print(x, x._version)
    """,
    "setitem setitem none key": """
        x = torch.tensor([1., 2., 3.], requires_grad=True); y = x * 1
        y[None] = torch.tensor([4., 5., 6.])
        print(y, y.grad_fn.name())
    """,
    "setitem setitem leading ones value": """
        x = torch.tensor([1., 2., 3.], requires_grad=True); y = x * 1
        y[1:] = (x[:2] * 3).view(1, 2)
        print(y, y.grad_fn.name())
        y.sum().backward(); print(x.grad)
    """,
    "setitem setitem leaf ell error": """
        x = torch.tensor([1., 2., 3.], requires_grad=True)
        x[...] = 5.
    """,
    "0d tensor index": """
        x = torch.tensor([1., 2.], requires_grad=True)
        y = x[torch.tensor(1)]
        print(y, y.shape)
        y.backward(); print(x.grad)
    """,
    "0d tensor index 2d": """
        x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
        y = x[torch.tensor(1), 0]
        print(y)
    """,
    "0d array in tuple with list": """
        x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
        y = x[torch.tensor(1), [0, 1]]
        print(y)
    """,
    "copyslices twice": """
        x0 = torch.tensor(-2.84)
        x1 = x0.expand(4, 3)
        x2 = torch.tensor(3.0, requires_grad=True)
        x1[-1, 0, None] = x2
        x3 = x1.sum()
        x3.backward()
        print(x2.grad)
        x3.backward()
    """,
    "copyslices retain": """
        x = torch.tensor([1., 2.], requires_grad=True); y = x * 1
        y[0] = x[1] * 3
        y.sum().backward(retain_graph=True); y.sum().backward(); print(x.grad)
    """,
    "stale view backward": """
        x0 = torch.tensor([[-3.0], [1.5]])
        x1 = x0.flatten()
        x2 = torch.tensor(-1.5, requires_grad=True)
        x0 += x2
        x1.backward(torch.tensor([0.25, 0.75])); print(x2.grad, x1)
    """,
    "grad returns views": """
        x0 = torch.tensor([0.0, 1.0], requires_grad=True)
        x1 = x0.transpose(0, -1)
        x3 = torch.autograd.grad(x1.mean(), x0)
        x3[0][1, None] = torch.tensor(0.05, requires_grad=True)
    """,
    "grad identity": """
        v = torch.ones(2); x = torch.ones(2, requires_grad=True)
        g, = torch.autograd.grad(x, x, v); print(g is v)
    """,
    "stale view negative zero": """
        x0 = torch.tensor([[-1.0], [1.5], [10000.0], [1.06]], requires_grad=True); x1 = x0.unsqueeze(-1)
        with torch.no_grad():
            x1 -= -2.0
        x1.backward(gradient=torch.tensor([[[0.0]], [[2.57]], [[-0.5]], [[-0.0]]])); print(x0.grad)
        y = x0.clone(); v = y[1:]
        with torch.no_grad():
            y.add_(1)
        g, = torch.autograd.grad((v * v).sum(), x0, create_graph=True); print(g)
    """,
    "index_put into expanded": """
        import warnings
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            x0 = torch.tensor([-1.0, 1.5], dtype=torch.float64, requires_grad=True)
            g, = torch.autograd.grad(x0.sum(), [x0]); g[torch.tensor([-1])] = torch.tensor(-0.03, dtype=torch.float64)
            print(g)
            e = torch.zeros(2).expand(3, 2); e[1, torch.tensor([0])] = 5.; e[torch.tensor([True, False, True])] = 2.
            print(e)
            y = torch.tensor([1., 2.], requires_grad=True) * 1; e = y.expand(3, 2)
            e[torch.tensor([0])] = torch.tensor(7., requires_grad=True); print(e, y)
        print([str(w.message) for w in caught])
        e.sum().backward()
    """,
    "index_put_": """
        y = torch.tensor([1., 2., 3.], requires_grad=True) * 1; v = torch.tensor([10., 20.], requires_grad=True)
        z = y.index_put_((torch.tensor([0, 0]),), v, accumulate=True); print(z)
        (z * z).sum().backward(); print(v.grad)
        x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
        z = torch.index_put(x, (torch.tensor([1]), torch.tensor([0])), torch.tensor([[5.]], requires_grad=True))
        print(z, torch.autograd.grad(z.sum(), x, create_graph=True))
        x = torch.zeros(2, 4) * 1; w = torch.ones(1, 2, 3, requires_grad=True)
        x[:, torch.tensor([-1, -2, -2])] = w; print(x.grad_fn.next_functions); x.sum().backward(); print(w.grad)
        torch.zeros(3).index_put_((torch.tensor([0, 1]),), torch.tensor([1., 2., 3.]))
    """,
}


def run(module_name, text):
    """The program's printed output; an exception ends it with one line: its type and message."""
    namespace = {"torch": __import__(module_name)}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            exec(compile(textwrap.dedent(text), f"<program {module_name}>", "exec"), namespace)  # noqa: S102 - fixed text
        except Exception as error:  # noqa: BLE001 - the error is part of the output compared
            print(f"{type(error).__name__}: {error}")
    return re.sub(r"0x[0-9a-f]+", "0x...", out.getvalue())


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_prints_the_same(name):
    require_torch()
    expected = run("torch", PROGRAMS[name])
    assert expected.strip(), "the program must print something"
    assert run("minigrad", PROGRAMS[name]) == expected
