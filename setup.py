"""Three optional C extensions, each skipped with a warning where it cannot be built; mclint's output is
the same without them, only slower:

- mclint/speedups/_cfold.c, the fold of libyaml's events, needs a C compiler and libyaml's headers
  (Debian: libyaml-dev); mclint.load.yamlstream holds its Python twin;
- mclint/speedups/_cwalk.c, the walk of each object, needs a C compiler; mclint.rules.walk holds its
  Python twin;
- mclint/speedups/_cliterals.c, the search of each file's text for the literals the string rules need,
  needs a C compiler; mclint.rules.present holds its Python twin.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("mclint.speedups._cfold", ["mclint/speedups/_cfold.c"], libraries=["yaml"], optional=True),
        Extension("mclint.speedups._cwalk", ["mclint/speedups/_cwalk.c"], optional=True),
        Extension("mclint.speedups._cliterals", ["mclint/speedups/_cliterals.c"], optional=True),
    ]
)
