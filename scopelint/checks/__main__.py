"""`python -m scopelint.checks`: print the README's findings table from the registry."""

from scopelint.checks import markdown_table

print(markdown_table(), end="")
