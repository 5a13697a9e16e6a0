"""A differential fuzzer: random programs over the torch API, run under torch 2.13 and minigrad, compared.

program.py  programs as data (steps), their interpreter and their printing as code
generate.py the catalogue of ops that random programs are made of
observe.py  what a run shows (values, grads, names, reprs, errors, warnings) and how two runs are compared
fuzz.py     many programs, each mismatch shrunk to a minimal reproduction, grouped by cause
"""
