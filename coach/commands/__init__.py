"""Sub-commands of the ``coach`` CLI, one module each; each has ``register(subparsers)``."""
