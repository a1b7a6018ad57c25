import contextlib
import warnings
from abc import ABC, abstractmethod

import numpy as np


class Rule(ABC):
    @abstractmethod
    def apply(self, g): ...


class Mirror(Rule):
    def apply(self, g):
        return np.fliplr(g)


def transform(grid):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.suppress(ValueError):
            return Mirror().apply(np.array(grid))
    return grid
