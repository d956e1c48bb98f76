r"""PyTorch on the CPU as its tutorials teach it: ``nn.Sequential``, autograd, ``optim.SGD``.

Same network (784-30-10, sigmoid on both layers), same cost

.. math:: C = \frac{1}{m} \sum_{x \in \text{batch}} \tfrac12 \lVert a^L(x) - y(x) \rVert^2,

same starting weights (copied from ours), same data order (the epoch's permutation, batches
gathered by index from one tensor, no ``DataLoader``), η = 3.0, two intra-op threads.
"""

from __future__ import annotations

import numpy as np

from contenders import LEARNING_RATE, Setup, Unavailable, permutation

THREADS = 2


class TorchCPU:
    """The chapter-1 network in PyTorch, trained on the CPU."""

    name = "PyTorch CPU"

    def __init__(self, setup: Setup) -> None:
        try:
            import torch
        except ImportError as error:
            raise Unavailable(f"PyTorch is not installed ({error})") from error
        torch.set_num_threads(THREADS)
        self.torch = torch
        self.setup = setup
        tdtype = {"float32": torch.float32, "float64": torch.float64}[setup.dtype]
        layers = []
        for W, b in zip(setup.weights, setup.biases, strict=True):
            linear = torch.nn.Linear(*W.shape, dtype=tdtype)
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(W.T)))
                linear.bias.copy_(torch.from_numpy(np.asarray(b)))
            layers += [linear, torch.nn.Sigmoid()]
        self.model = torch.nn.Sequential(*layers)
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=LEARNING_RATE)
        self.X = torch.from_numpy(setup.data.X_as(setup.dtype))
        self.Y = torch.from_numpy(setup.data.Y_as(setup.dtype))

    def train_epoch(self, epoch_seed: int) -> None:
        order = self.torch.from_numpy(permutation(epoch_seed, self.X.shape[0]))
        m = self.setup.batch_size
        for start in range(0, order.numel(), m):
            batch = order[start : start + m]
            x, y = self.X[batch], self.Y[batch]
            self.optimizer.zero_grad()
            loss = 0.5 * ((self.model(x) - y) ** 2).sum(dim=1).mean()
            loss.backward()
            self.optimizer.step()

    def accuracy(self) -> float:
        with self.torch.no_grad():
            X_test = self.torch.from_numpy(self.setup.data.X_test_as(self.setup.dtype))
            predicted = self.model(X_test).argmax(dim=1).numpy()
        return float(np.mean(predicted == self.setup.data.y_test))
