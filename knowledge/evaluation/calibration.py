"""Fit the hybrid confidence model on labelled questions (logistic regression in numpy).

The target is "the top document is a right answer"; out-of-scope questions and wrong
top documents are negatives, so the probability is directly what the threshold needs.
"""

import numpy as np

from knowledge.evaluation.metrics import EvalQuestion
from knowledge.retrieval.search import KnowledgeSearcher, confidence_features


def question_features(
    searcher: KnowledgeSearcher, questions: list[EvalQuestion]
) -> tuple[np.ndarray, np.ndarray]:
    rows, targets = [], []
    for question in questions:
        ranked = searcher.rank(question.text)
        if not ranked:
            continue
        rows.append(confidence_features(ranked))
        targets.append(float(ranked[0].document.id in question.expected))
    return np.array(rows), np.array(targets)


def fit_logistic(
    features: np.ndarray, targets: np.ndarray, l2: float = 0.01, steps: int = 5000
) -> tuple[float, ...]:
    """Weights (bias first) of a ridge-regularised logistic regression; column 0 is the bias."""
    inputs = features[:, 1:]
    mean, std = inputs.mean(axis=0), inputs.std(axis=0) + 1e-9
    scaled = (inputs - mean) / std
    weights, bias = np.zeros(scaled.shape[1]), 0.0
    for _ in range(steps):
        predicted = 1.0 / (1.0 + np.exp(-(scaled @ weights + bias)))
        error = predicted - targets
        weights -= 0.5 * (scaled.T @ error / len(targets) + l2 * weights)
        bias -= 0.5 * error.mean()
    raw = weights / std
    return (float(bias - raw @ mean), *(float(w) for w in raw))
