"""The seed dataset (``seeds/data/*.yaml``) and its idempotent loader."""
