"""C twins of mclint's three hottest loops, built by setup.py where a compiler (and, for the fold,
libyaml's headers) is found, skipped otherwise: `_cfold` for mclint.load.yamlstream's lean fold,
`_cwalk` for mclint.rules.walk, `_cliterals` for mclint.rules.present. Each Python module imports its
twin and falls back to its own code when the twin is missing, so output never depends on them. This
package imports nothing."""
