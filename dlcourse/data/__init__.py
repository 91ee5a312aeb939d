"""Offline data sets: generated here or bundled with scikit-learn and Python, never downloaded."""
from .gan2d import TARGETS, Target2D, gan_target, make_gan_moons, make_gan_spiral, make_grid, make_ring
from .images import SHAPE_CLASSES, make_shapes
from .sequences import (WindowSplit, demand_holidays, load_mnist1d, make_demand, make_memory_task, make_windows,
                        seasonal_naive)
from .tabular import (SENSOR_FAULTS, SENSOR_FEATURES, Split, load_breast_cancer, load_diabetes, load_digits,
                      make_churn, make_credit, make_sensors, one_hot, split)
from .text import SEQUENCE_TASKS, CharCorpus, load_char_corpus, make_sequence_task
from .toy import make_blobs, make_circles, make_moons, make_spirals, make_xor

__all__ = ["Split", "split", "load_breast_cancer", "load_diabetes", "load_digits", "make_churn", "make_credit",
           "one_hot", "make_moons", "make_circles", "make_spirals", "make_xor", "make_blobs", "make_shapes",
           "SHAPE_CLASSES", "make_sensors", "SENSOR_FEATURES", "SENSOR_FAULTS",
           "WindowSplit", "make_demand", "demand_holidays", "make_windows", "seasonal_naive", "make_memory_task",
           "load_mnist1d", "CharCorpus", "load_char_corpus", "make_sequence_task", "SEQUENCE_TASKS",
           "Target2D", "TARGETS", "gan_target", "make_ring", "make_grid", "make_gan_moons", "make_gan_spiral"]
