"""vault-tools: the command-line companion to a vault of informational-interview notes."""

__version__ = "0.1.0"
