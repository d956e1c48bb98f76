"""The book's setups: each recipe's numbers against the book's text, lookup, overrides, checks."""

from __future__ import annotations

import dataclasses

import pytest

from sigmoid import recipes
from sigmoid.network import Network

# Typed from the book ("Neural Networks and Deep Learning"), not from recipes.py:
# chapter 1: network.Network([784, 30, 10]); net.SGD(training_data, 30, 10, 3.0, test_data=test_data)
#   -> 95.42% at its best epoch; the same with [784, 100, 10] -> 96.59%.
# chapter 3: cross-entropy, 30 epochs, mini-batch 10, η = 0.5, λ = 5.0 -> 96.49% (test data);
#   100 hidden neurons -> 97.92% (validation data); 60 epochs at η = 0.1 -> 98.04% (validation).
BOOK = {
    "ch1": dict(
        sizes=(784, 30, 10),
        epochs=30,
        batch_size=10,
        learning_rate=3.0,
        l2=0.0,
        cost="quadratic",
        init="large",
        evaluate_on="test",
        book_accuracy=0.9542,
    ),
    "ch1-100": dict(
        sizes=(784, 100, 10),
        epochs=30,
        batch_size=10,
        learning_rate=3.0,
        l2=0.0,
        cost="quadratic",
        init="large",
        evaluate_on="test",
        book_accuracy=0.9659,
    ),
    "ch3": dict(
        sizes=(784, 30, 10),
        epochs=30,
        batch_size=10,
        learning_rate=0.5,
        l2=5.0,
        cost="cross-entropy",
        init="normalized",
        evaluate_on="test",
        book_accuracy=0.9649,
    ),
    "ch3-100": dict(
        sizes=(784, 100, 10),
        epochs=30,
        batch_size=10,
        learning_rate=0.5,
        l2=5.0,
        cost="cross-entropy",
        init="normalized",
        evaluate_on="validation",
        book_accuracy=0.9792,
    ),
    "ch3-best": dict(
        sizes=(784, 100, 10),
        epochs=60,
        batch_size=10,
        learning_rate=0.1,
        l2=5.0,
        cost="cross-entropy",
        init="normalized",
        evaluate_on="validation",
        book_accuracy=0.9804,
    ),
}


def test_the_recipes_are_the_books_five_setups_and_ch1_is_the_default():
    assert recipes.NAMES == tuple(BOOK)
    assert recipes.DEFAULT == "ch1"


@pytest.mark.parametrize("name", list(BOOK))
def test_each_recipe_has_the_books_numbers(name):
    recipe = recipes.get(name)
    for key, value in BOOK[name].items():
        assert getattr(recipe, key) == value, key
    # Everything the book keeps fixed: sigmoid neurons, no L1, no momentum, no schedule.
    assert (recipe.hidden_activation, recipe.output_activation) == ("sigmoid", "sigmoid")
    assert (recipe.l1, recipe.momentum, recipe.early_stopping, recipe.schedule) == (0, 0, None, None)
    assert recipe.dtype == "float32"


def test_unknown_recipe_names_the_choices():
    with pytest.raises(ValueError, match=r"unknown recipe 'ch2'; choose one of ch1, ch1-100, ch3"):
        recipes.get("ch2")


def test_recipes_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        recipes.get("ch1").epochs = 3


def test_replace_overrides_and_ignores_none():
    recipe = recipes.get("ch3").replace(epochs=2, learning_rate=None, sizes=[784, 5, 4, 10])
    assert (recipe.epochs, recipe.learning_rate, recipe.sizes) == (2, 0.5, (784, 5, 4, 10))
    assert recipe.hidden == (5, 4)
    assert recipes.get("ch3").epochs == 30  # the registry is untouched


def test_replace_refuses_unknown_settings_and_bad_values():
    with pytest.raises(TypeError, match="unknown recipe settings"):
        recipes.get("ch1").replace(eta=1.0)
    with pytest.raises(ValueError, match="evaluate_on must be one of test, validation, got 'training'"):
        recipes.get("ch1").replace(evaluate_on="training")
    with pytest.raises(ValueError, match=r"sizes must be at least two positive integers, got \[784, 0\]"):
        recipes.get("ch1").replace(sizes=(784, 0))


def test_options_build_the_network_and_the_training_call():
    recipe = recipes.get("ch3-best")
    network = Network(recipe.sizes, **recipe.network_options(), rng=0)
    assert network.sizes == [784, 100, 10]
    assert network.cost.name == "cross-entropy" and network.init == "normalized"
    assert recipe.training_options() == {
        "epochs": 60,
        "batch_size": 10,
        "learning_rate": 0.1,
        "l2": 5.0,
        "l1": 0.0,
        "momentum": 0.0,
        "early_stopping": None,
        "learning_rate_schedule": None,
    }


def test_describe_is_one_line_with_the_settings():
    line = recipes.get("ch3").describe()
    assert "\n" not in line
    for part in (
        "recipe ch3",
        "[784, 30, 10]",
        "cross-entropy cost",
        "η = 0.5",
        "mini-batch 10",
        "30 epochs",
        "λ (L2) = 5",
        "evaluated on test data",
    ):
        assert part in line
    assert "λ" not in recipes.get("ch1").describe()  # unregularised: no λ shown


def test_describe_says_1_epoch_in_the_singular():
    assert ", 1 epoch," in recipes.get("ch1").replace(epochs=1).describe() + ","
    assert ", 2 epochs" in recipes.get("ch1").replace(epochs=2).describe()
