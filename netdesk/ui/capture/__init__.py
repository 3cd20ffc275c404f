"""Capture in the window: pasting a picture, reviewing business cards next to their
photo, showing my card as a QR code, and the camera page (only where a camera exists).

Everything here calls netdesk.services.capture and the import dialog; no parsing here.
"""
