"""Offline data sets: generated here or bundled with scikit-learn, never downloaded."""
from .images import SHAPE_CLASSES, make_shapes
from .tabular import Split, load_breast_cancer, load_diabetes, load_digits, make_churn, make_credit, one_hot, split
from .toy import make_blobs, make_circles, make_moons, make_spirals, make_xor

__all__ = ["Split", "split", "load_breast_cancer", "load_diabetes", "load_digits", "make_churn", "make_credit",
           "one_hot", "make_moons", "make_circles", "make_spirals", "make_xor", "make_blobs", "make_shapes",
           "SHAPE_CLASSES"]
from .sequences import (WindowSplit, demand_holidays, load_mnist1d, make_demand, make_memory_task,  # noqa: E402
                        make_windows, seasonal_naive)
__all__ += ["WindowSplit", "make_demand", "demand_holidays", "make_windows", "seasonal_naive", "make_memory_task",
            "load_mnist1d"]
