"""The optional C fold (mclint/load/_cfold.c): built where a C compiler and libyaml's headers are
found (Debian: libyaml-dev), skipped otherwise. mclint reads every file the same without it, only
slower (mclint.load.yamlstream)."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("mclint.load._cfold", ["mclint/load/_cfold.c"], libraries=["yaml"], optional=True)])
