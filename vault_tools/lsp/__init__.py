"""``vault-tools lsp``: the findings, fixes, completions and rule docs in any editor.

``features`` works them out from a buffer's text, with no protocol in sight; ``server``
is the pygls adapter (the only importer of pygls and lsprotocol), which only
``vault-tools lsp`` imports, so that ``check`` starts as fast as ever.
"""
