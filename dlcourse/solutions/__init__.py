"""Reference solutions to the notebook exercises, one per name in dlcourse.check.

Try the exercise first: the checks give hints. Values are plain answers; functions
are one clear way to write the requested code (others pass too).
"""

from .lesson00 import *  # noqa: F401,F403
from .lesson01 import *  # noqa: F401,F403
from .lesson02 import *  # noqa: F401,F403
from .lesson03 import *  # noqa: F401,F403
from .lesson04 import *  # noqa: F401,F403
from .lesson05 import *  # noqa: F401,F403
from .lesson06 import *  # noqa: F401,F403
