"""Offline data sets: generated here or bundled with scikit-learn, never downloaded."""
from .images import SHAPE_CLASSES, make_shapes
from .tabular import Split, load_breast_cancer, load_diabetes, load_digits, make_churn, make_credit, one_hot, split
from .toy import make_blobs, make_circles, make_moons, make_spirals, make_xor

__all__ = ["Split", "split", "load_breast_cancer", "load_diabetes", "load_digits", "make_churn", "make_credit",
           "one_hot", "make_moons", "make_circles", "make_spirals", "make_xor", "make_blobs", "make_shapes",
           "SHAPE_CLASSES"]
from .tabular import SENSOR_FAULTS, SENSOR_FEATURES, make_sensors  # noqa: E402
__all__ += ["make_sensors", "SENSOR_FEATURES", "SENSOR_FAULTS"]
from .text import SEQUENCE_TASKS, CharCorpus, load_char_corpus, make_sequence_task  # noqa: E402

__all__ += ["CharCorpus", "load_char_corpus", "make_sequence_task", "SEQUENCE_TASKS"]
from .gan2d import TARGETS, Target2D, gan_target, make_gan_moons, make_gan_spiral, make_grid, make_ring  # noqa: E402

__all__ += ["Target2D", "TARGETS", "gan_target", "make_ring", "make_grid", "make_gan_moons", "make_gan_spiral"]
