"""Backpropagation is the chain rule: a chain of one-neuron layers, differentiated.

Layer k computes zₖ = wₖ·hₖ₋₁ + bₖ and hₖ = act(zₖ) (with ``skip``, a residual
connection: hₖ = hₖ₋₁ + act(zₖ)). The gradient of the output with respect to
the first weight is a product of local derivatives, one per layer, multiplied
from the output backwards, exactly as the chain rule says:

    ∂y/∂w₁ = (∏ₖ₌₂..N ∂hₖ/∂hₖ₋₁) · ∂h₁/∂w₁,   ∂hₖ/∂hₖ₋₁ = act′(zₖ)·wₖ (+ 1 with skip)

Sigmoid's derivative is at most 1/4, so many factors drive the product toward
0 (the vanishing gradient); ReLU's is 1 where the neuron is active, and a skip
connection adds 1 to every factor, so those products do not vanish. Every
number is checked against a finite difference. Plain floats: no SymPy needed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

ACTIVATIONS = ("sigmoid", "tanh", "relu")


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


FUNCTIONS: dict[str, tuple[Callable[[float], float], Callable[[float], float], str]] = {
    "sigmoid": (
        _sigmoid,
        lambda z: _sigmoid(z) * (1 - _sigmoid(z)),
        "σ′(z) = σ(z)(1 − σ(z)) ≤ 1/4",
    ),
    "tanh": (math.tanh, lambda z: 1 - math.tanh(z) ** 2, "tanh′(z) = 1 − tanh²(z) ≤ 1"),
    "relu": (
        lambda z: max(0.0, z),
        lambda z: 1.0 if z > 0 else 0.0,
        "relu′(z) = 1 if z > 0, else 0",
    ),
}


@dataclass
class Layer:
    index: int
    weight: float
    bias: float
    z: float
    h: float
    slope: float  # act′(z)
    local: float  # ∂hₖ/∂hₖ₋₁ (for the first layer: ∂h₁/∂w₁)
    running: float  # ∂y/∂(this layer's input), accumulated from the output back


@dataclass
class Network:
    activation: str
    skip: bool
    x: float
    weights: list[float]
    biases: list[float]

    def forward(self, weights: list[float] | None = None) -> list[tuple[float, float]]:
        """(z, h) for each layer."""
        act = FUNCTIONS[self.activation][0]
        h = self.x
        out = []
        for w, b in zip(weights or self.weights, self.biases, strict=True):
            z = w * h + b
            h = (h + act(z)) if self.skip else act(z)
            out.append((z, h))
        return out

    def output(self, weights: list[float] | None = None) -> float:
        return self.forward(weights)[-1][1]


@dataclass
class Report:
    network: Network
    layers: list[Layer]
    gradient: float  # ∂y/∂w₁ by the chain rule
    finite_difference: float  # the same, from (y(w₁ + ε) − y(w₁ − ε)) / 2ε
    rule: str

    @property
    def agrees(self) -> bool:
        return math.isclose(self.gradient, self.finite_difference, rel_tol=1e-4, abs_tol=1e-12)


def make_network(
    layers: int, activation: str = "sigmoid", seed: int | None = None, skip: bool = False
) -> Network:
    """Weights near 1 and small positive biases: the textbook setting where sigmoid
    vanishes and ReLU does not."""
    if activation not in FUNCTIONS:
        raise ValueError(f"unknown activation {activation!r}: choose from {', '.join(ACTIVATIONS)}")
    rng = random.Random(seed)
    weights = [round(rng.uniform(0.6, 1.4), 3) for _ in range(layers)]
    biases = [round(rng.uniform(0.0, 0.5), 3) for _ in range(layers)]
    return Network(activation, skip, 1.0, weights, biases)


def backprop(network: Network) -> Report:
    """Forward pass, then the chain rule from the output back to w₁."""
    act_slope = FUNCTIONS[network.activation][1]
    forward = network.forward()
    inputs = [network.x] + [h for _, h in forward[:-1]]
    slopes = [act_slope(z) for z, _ in forward]
    locals_: list[float] = []
    for k, (w, s) in enumerate(zip(network.weights, slopes, strict=True)):
        if k == 0:
            locals_.append(s * inputs[0])  # ∂h₁/∂w₁ (a skip adds nothing that depends on w₁)
        else:
            locals_.append(s * w + (1.0 if network.skip else 0.0))
    running = [0.0] * len(forward)
    acc = 1.0
    for k in range(len(forward) - 1, -1, -1):
        acc *= locals_[k]
        running[k] = acc
    layers = [
        Layer(
            k + 1,
            network.weights[k],
            network.biases[k],
            forward[k][0],
            forward[k][1],
            slopes[k],
            locals_[k],
            running[k],
        )
        for k in range(len(forward))
    ]
    return Report(
        network, layers, running[0], finite_difference(network), FUNCTIONS[network.activation][2]
    )


def finite_difference(network: Network, eps: float = 1e-3) -> float:
    """∂y/∂w₁ measured by nudging w₁ both ways: the check with numbers."""
    up = list(network.weights)
    down = list(network.weights)
    up[0] += eps
    down[0] -= eps
    return (network.output(up) - network.output(down)) / (2 * eps)


@dataclass
class Comparison:
    """|∂y/∂(layer k's input)| per layer for each setting, from the same weights."""

    layers: int
    series: dict[str, list[float]]

    def ratio(self, name: str) -> float:
        """The gradient at the first layer as a fraction of the last layer's."""
        values = self.series[name]
        return values[0] / values[-1] if values[-1] else 0.0


#: The settings ``compare`` puts side by side: (label, activation, skip).
SETTINGS = (
    ("sigmoid", "sigmoid", False),
    ("tanh", "tanh", False),
    ("relu", "relu", False),
    ("sigmoid + skip", "sigmoid", True),
)


def compare(layers: int, seed: int | None = 0) -> Comparison:
    """The lab for sigmoid, tanh, relu and sigmoid with skip connections, same weights."""
    series = {}
    for label, activation, skip in SETTINGS:
        report = backprop(make_network(layers, activation, seed, skip))
        series[label] = [abs(layer.running) for layer in report.layers]
    return Comparison(layers, series)
