"""Looking after the data itself: backups, encryption, the patient-data guard, safe output.

Owns online backups and validated restores, SQLCipher conversion, spotting text that looks
like patient identifiers, and writing files/cells that cannot be executed or read by others.
May import: netdesk.models, netdesk.errors and the shared service helpers only (every other
service package may import this one). Never Qt.
"""
