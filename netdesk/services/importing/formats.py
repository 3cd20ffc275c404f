"""What netdesk can import, by file name: File › Import…, drag and drop, Edit › Paste.

Kept apart from the importer so the window can check a dropped file without loading it.
"""

from netdesk.services.capture.images import IMAGE_SUFFIXES

IMPORTABLE_SUFFIXES = (".vcf", ".vcard", ".csv", *IMAGE_SUFFIXES)
