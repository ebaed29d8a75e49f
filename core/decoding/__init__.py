"""Decoding: batched greedy decoding (greedy.py), the attention model's fast forward-only path
(inference.py) on worker processes (worker_pool.py), one string to a prediction and its attention
(translation.py), accuracy per format (evaluation.py) and the alignment score (alignment.py)."""
