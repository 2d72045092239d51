"""vault-tools: the command-line companion to a vault of informational-interview notes."""

__version__ = "0.1.0"

#: Bumped whenever a parse result changes shape or meaning: cached parses are then redone.
PARSER_VERSION = 2
