"""Subcommands of `mlops`; each module defines `register(subparsers)`."""
