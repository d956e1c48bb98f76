"""scikit-learn's ``MLPClassifier``: logistic hidden layer, plain SGD, ``partial_fit`` per epoch.

It is not the same model in one respect: its output layer is softmax and its cost the log-loss
(cross-entropy), which scikit-learn does not let us change. The learning rate is therefore its own
(``Setup.sklearn_learning_rate``, chosen so that it learns); its initial weights are its own
(Glorot uniform) and it shuffles with its own generator. Everything else matches: 30 hidden
sigmoid neurons, no momentum, no weight decay (``alpha=0``), the same mini-batch size.
"""

from __future__ import annotations

import warnings

import numpy as np

from contenders import Setup, Unavailable


class SklearnMLP:
    """``sklearn.neural_network.MLPClassifier`` trained one epoch per ``partial_fit`` call."""

    name = "scikit-learn MLP"

    def __init__(self, setup: Setup) -> None:
        try:
            from sklearn.neural_network import MLPClassifier
        except ImportError as error:
            raise Unavailable(f"scikit-learn is not installed ({error})") from error
        self.setup = setup
        self.model = MLPClassifier(
            hidden_layer_sizes=(30,),
            activation="logistic",
            solver="sgd",
            learning_rate="constant",
            learning_rate_init=setup.sklearn_learning_rate,
            momentum=0.0,
            nesterovs_momentum=False,
            batch_size=setup.batch_size,
            alpha=0.0,
            shuffle=True,
            random_state=setup.seed,
        )
        self.X = setup.data.X_as(setup.dtype)
        self.y = setup.data.y
        self.classes = np.arange(10)

    def train_epoch(self, epoch_seed: int) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.model.partial_fit(self.X, self.y, classes=self.classes)

    def accuracy(self) -> float:
        X_test = self.setup.data.X_test_as(self.setup.dtype)
        return float(np.mean(self.model.predict(X_test) == self.setup.data.y_test))
