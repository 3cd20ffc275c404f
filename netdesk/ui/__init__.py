"""The Qt layer: shows what services return and runs slow services on workers."""
