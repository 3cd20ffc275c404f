"""The Qt layer: shows what services return and runs slow services on workers."""

from netdesk.ui.refcount_guard import make_singletons_immortal

make_singletons_immortal()
