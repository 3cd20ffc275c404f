"""Storing the models in a file: opening it, migrating its schema, guarding and encrypting it.

Owns opening a database (and refusing unusable paths in one clear line), the versioned
schema migrations, the full-text search index and its triggers, retries when another
process holds the write lock, and SQLCipher encryption. The tables themselves are the
modules one level up. May import netdesk.errors and the model modules; never services or Qt.
"""
