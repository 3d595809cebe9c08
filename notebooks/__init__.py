"""The report notebooks, shipped in the package as ``relance_analytics.notebooks`` (this folder
is mapped to it in pyproject.toml: one source for JupyterLab and for ``relance weekly``)."""
