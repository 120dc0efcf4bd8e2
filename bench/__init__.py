"""Developer tools, not the product: the benchmarks (`make bench`) and the Lighthouse audit
(`make audit`). Installed only by bench/settings.py, never by portal.settings, and left out of the
installed package (pyproject.toml)."""
