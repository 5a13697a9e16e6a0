"""Random numbers that reproduce PyTorch's CPU generator bit for bit (numpy only).

torch's CPU generator is a 32-bit MT19937 seeded with ``init_genrand``; numpy's ``MT19937`` with
``_legacy_seeding`` is the same engine, so the raw words agree and only torch's transformations
(ATen ``DistributionTemplates.h`` / ``DistributionKernels.cpp``) have to be re-implemented here.
Target: torch's x86 AVX2 kernels, which fuse ``a * b + c`` (FMA), so those are fused here too; torch's
other CPU builds differ by a few ulp in uniform_/normal_. Returns/fills numpy arrays (Tensor wraps them).
"""

import math
import os

import numpy as np

_F32, _F64 = np.float32, np.float64
_DEFAULT_SEED = 67280421310721  # torch's default_rng_seed_val
_RANDPERM_SMALL = (2**32 - 1) // 20  # randperm switches algorithm at this n (not reproduced above it)


class Generator:
    """torch.Generator('cpu'): an MT19937 engine plus the cached second Box-Muller sample."""

    def __init__(self, seed=_DEFAULT_SEED):
        self.manual_seed(seed)

    def manual_seed(self, seed):
        """torch.Generator.manual_seed: reseed (torch keeps 64 bits, the engine uses the low 32)."""
        self._seed = int(seed) & (2**64 - 1)  # negative seeds wrap like torch's uint64 cast
        self._engine = np.random.MT19937(0)
        self._engine._legacy_seeding(self._seed & 0xFFFFFFFF)
        self._normal_cache = None  # set_current_seed resets next_double_normal_sample
        return self

    def seed(self):
        """torch.Generator.seed: reseed from a non-deterministic source and return the seed."""
        return self.manual_seed(int.from_bytes(os.urandom(8), "little")).initial_seed()

    def initial_seed(self):
        """torch.Generator.initial_seed."""
        return self._seed

    def random(self, n):
        """CPUGeneratorImpl::random: n raw 32-bit words (as uint64)."""
        return self._engine.random_raw(n).astype(np.uint64)

    def random64(self, n):
        """CPUGeneratorImpl::random64: n 64-bit words, each (first word << 32) | second word."""
        w = self.random(2 * n)
        return (w[0::2] << np.uint64(32)) | w[1::2]


default_generator = Generator()


def _gen(generator):
    return default_generator if generator is None else generator


def _memory_order(array):
    """View whose C order is memory order: torch's serial kernels (TensorIterator) fill in that order."""
    return array.transpose(sorted(range(array.ndim), key=lambda d: -abs(array.strides[d])))


def manual_seed(seed):
    """torch.manual_seed: reseed the default generator (clears the normal cache), return it."""
    return default_generator.manual_seed(seed)


def seed():
    """torch.seed: non-deterministically reseed the default generator; returns the seed."""
    return default_generator.seed()


def initial_seed():
    """torch.initial_seed."""
    return default_generator.initial_seed()


# ---- exact fused multiply-add (torch's compiled code fuses; numpy has no fma) ----------------------
def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)  # Knuth: s + err == a + b exactly


def _add_round_to_odd(a, b):
    """a + b rounded to odd: if inexact, pick the neighbour with an odd last bit (avoids double rounding)."""
    s, err = _two_sum(a, b)
    fix = (err != 0) & ((np.asarray(s).view(np.int64) & 1) == 0)
    return np.where(fix, np.nextafter(s, np.where(err > 0, np.inf, -np.inf)), s)


def _fma(a, b, c, dtype):
    """Correctly rounded a * b + c in dtype (float32 via float64; float64 by Boldo-Melquiond)."""
    a, b, c = (np.asarray(v, dtype=_F64) for v in (a, b, c))
    if dtype == _F32:  # a * b is exact in float64; round-to-odd then float32 rounding is exact
        return _add_round_to_odd(a * b, c).astype(_F32)
    ta, tb = a * 134217729.0, b * 134217729.0  # Veltkamp split (2**27 + 1): a*b == ph + pl exactly
    ah, bh = ta - (ta - a), tb - (tb - b)
    ph, pl = a * b, ((ah * bh - a * b) + ah * (b - bh) + (a - ah) * bh) + (a - ah) * (b - bh)
    th, tl = _two_sum(c, ph)
    return th + _add_round_to_odd(tl, pl)


# ---- uniform ----------------------------------------------------------------------------------------
def _uniform01(gen, n, dtype):
    """uniform_real_distribution<T>(0, 1): 24 bits of a word (float32) or 53 bits of random64 (float64)."""
    if np.dtype(dtype) in (_F32, np.float16):  # float16 draws as float32 and rounds
        return ((gen.random(n) & np.uint64(0xFFFFFF)).astype(_F64) * 2.0**-24).astype(_F32).astype(dtype)
    return (gen.random64(n) & np.uint64(2**53 - 1)).astype(_F64) * 2.0**-53


def rand(shape, dtype=_F32, generator=None):
    """torch.rand: uniform [0, 1), one word per float32 element, two per float64 element."""
    return _uniform01(_gen(generator), math.prod(shape), dtype).reshape(shape)


def uniform_(array, a=0.0, b=1.0, generator=None):
    """torch.Tensor.uniform_: u * (to - from) + from, fused, with from/to cast to the dtype first."""
    dt, view = array.dtype.type, _memory_order(array)
    lo, hi = dt(a), dt(b)
    view[...] = _fma(_uniform01(_gen(generator), array.size, dt), dt(hi - lo), lo, dt).reshape(view.shape)
    return array


# ---- normal -----------------------------------------------------------------------------------------
def _cephes_log(x):
    """log256_ps from ATen's avx_mathfun.h (Cephes logf), per lane, with the wheel's FMA contractions."""
    bits = np.maximum(x, np.array(0x00800000, np.int32).view(_F32)).view(np.int32)  # no denormals
    x = ((bits & ~0x7F800000) | 0x3F000000).view(_F32)  # mantissa scaled into [0.5, 1)
    small = x < _F32(0.707106781186547524)
    e = ((bits >> 23) - 0x7F).astype(_F32) + _F32(1) - small.astype(_F32)  # exponent (exact ints)
    x = (x - _F32(1)) + np.where(small, x, _F32(0))
    z = x * x
    y = _F32(7.0376836292e-2)
    for coef in (-1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
                 -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1):
        y = _fma(y, x, _F32(coef), _F32)
    y = _fma(y * x, z, e * _F32(-2.12194440e-4), _F32)
    y = _fma(z, _F32(-0.5), y, _F32)
    return _fma(e, _F32(0.693359375), x + y, _F32)


def _cephes_sincos(x):
    """sincos256_ps from avx_mathfun.h for x >= 0 (Box-Muller angles), with the wheel's FMAs."""
    j = ((x * _F32(1.27323954473516)).astype(np.int32) + 1) & ~1  # even octant of x * 4/pi
    yq = j.astype(_F32)
    for dp in (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8):
        x = _fma(yq, _F32(dp), x, _F32)  # extended-precision reduction x - j * pi/4
    z = x * x
    yc = _fma(_fma(_F32(2.443315711809948e-5), z, _F32(-1.388731625493765e-3), _F32),
              z, _F32(4.166664568298827e-2), _F32)
    yc = _fma(yc * z, z, -(z * _F32(0.5)), _F32) + _F32(1)
    ys = _fma(_fma(_F32(-1.9515295891e-4), z, _F32(8.3321608736e-3), _F32), z, _F32(-1.6666654611e-1), _F32)
    ys = _fma(ys * z, x, x, _F32)
    poly = (j & 2) == 0  # octant picks which polynomial is sine; the sign flips are exact negations
    sin = np.where(poly, ys, yc) * np.where(j & 4, _F32(-1), _F32(1))
    return sin, np.where(poly, yc, ys) * np.where(~(j - 2) & 4, _F32(-1), _F32(1))


def _box_muller16(d, mean, std):
    """normal_fill_16 (float32: normal_fill_16_AVX2) on rows of 16 uniforms: pairs (j, j + 8)."""
    u1, u2 = 1 - d[:, :8], d[:, 8:]  # [0, 1) -> (0, 1] for log
    if d.dtype == _F32:
        radius = np.sqrt(_F32(-2) * _cephes_log(u1))
        sin, cos = _cephes_sincos(_F32(2.0 * math.pi) * u2)
    else:
        radius = np.sqrt(-2.0 * np.log(u1))
        sin, cos = np.sin(2.0 * math.pi * u2), np.cos(2.0 * math.pi * u2)
    both = np.concatenate([radius * cos, radius * sin], axis=1)
    return _fma(both, std, mean, d.dtype.type)  # _mm256_fmadd_ps(n, std, mean)


def _normal_fill(gen, n, dtype, mean, std):
    """normal_fill: n uniforms, Box-Muller per block of 16; a ragged tail redoes the last 16 afresh."""
    mean, std = dtype(mean), dtype(std)
    data = _uniform01(gen, n, dtype)
    data[:n // 16 * 16] = _box_muller16(data[:n // 16 * 16].reshape(-1, 16), mean, std).ravel()
    if n % 16:
        data[n - 16:] = _box_muller16(_uniform01(gen, 16, dtype).reshape(1, 16), mean, std).ravel()
    return data


def _normal_serial(gen, n, dtype, mean, std):
    """at::normal_distribution<double> per element: double Box-Muller whose sin half is cached."""
    z = np.empty(n)
    for i in range(n):
        if gen._normal_cache is not None:
            z[i], gen._normal_cache = gen._normal_cache, None
            continue
        u1, u2 = _uniform01(gen, 2, _F64)
        r = math.sqrt(-2.0 * math.log1p(-u2))
        z[i], gen._normal_cache = r * math.cos(2.0 * math.pi * u1), r * math.sin(2.0 * math.pi * u1)
    return _fma(z, float(std), float(mean), _F64).astype(dtype)


def normal_(array, mean=0.0, std=1.0, generator=None):
    """torch.Tensor.normal_: normal_fill for >= 16 contiguous elements, cached Box-Muller otherwise."""
    gen, n, dt = _gen(generator), array.size, array.dtype.type
    # torch: contiguous and >= 16 -> normal_fill (never touches the cache); else serial, cached
    fill = _normal_fill if n >= 16 and array.flags.c_contiguous else _normal_serial
    view = _memory_order(array)
    compute = _F32 if dt is np.float16 and fill is _normal_fill else dt  # torch fills half through float32
    view[...] = fill(gen, n, compute, mean, std).astype(dt).reshape(view.shape)
    return array


def randn(shape, dtype=_F32, generator=None):
    """torch.randn: normal_(0, 1) on a fresh tensor."""
    return normal_(np.empty(tuple(shape), dtype=dtype), 0.0, 1.0, generator)


# ---- integers, permutations, masks ------------------------------------------------------------------
def randint(low, high, shape, dtype=np.int64, generator=None):
    """torch.randint: (word % range) + low; ranges >= 2**28 use random64 to limit modulo bias."""
    shape, span, gen = tuple(shape), int(high) - int(low), _gen(generator)
    if span <= 0:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    words = (gen.random64 if span >= 2**28 else gen.random)(math.prod(shape))
    # uint64 arithmetic wraps exactly like torch's (val % range) + base before the int64 cast
    vals = (words % np.uint64(span) + np.uint64(int(low) & (2**64 - 1))).view(np.int64)
    return vals.astype(dtype).reshape(shape)


def randperm(n, dtype=np.int64, generator=None):
    """torch.randperm (CPU, n < 2**32 / 20): forward Fisher-Yates, swap i with i + word % (n - i)."""
    if n >= _RANDPERM_SMALL:
        raise NotImplementedError("randperm for n >= (2**32 - 1) // 20 uses torch's other algorithm")
    perm = list(range(n))
    words = _gen(generator).random(max(n - 1, 0)).tolist()
    for i, w in enumerate(words):
        z = i + w % (n - i)
        perm[i], perm[z] = perm[z], perm[i]
    return np.array(perm, dtype=dtype)


def bernoulli_(array, p=0.5, generator=None):
    """torch.Tensor.bernoulli_(p) with a float p: 1 where a 53-bit double uniform < p (any dtype)."""
    view = _memory_order(array)
    view[...] = (_uniform01(_gen(generator), array.size, _F64) < p).reshape(view.shape)
    return array


def bernoulli_mask(shape, p, generator=None):
    """Keep-mask of F.dropout(x, p, training=True), i.e. noise.bernoulli_(1 - p); p in {0, 1} draws nothing.

    torch then scales kept entries by dtype(1) / dtype(1 - p), a division in the tensor's dtype."""
    shape = tuple(shape)
    if p == 0 or p == 1 or math.prod(shape) == 0:
        return np.full(shape, p == 0)
    return bernoulli_(np.empty(shape, dtype=bool), 1.0 - p, generator)
