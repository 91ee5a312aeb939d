"""Offline data sets: generated here, never downloaded."""
from .toy import make_blobs, make_circles, make_moons, make_spirals, make_xor

__all__ = ["make_moons", "make_circles", "make_spirals", "make_xor", "make_blobs"]
