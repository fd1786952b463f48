"""Training job: fit the random forest, evaluate it honestly, write the report and the model.

`python -m jobs.training --train-dir DIR --model-dir DIR --output-dir DIR [--n-estimators N ...]`
(ARCHITECTURE.md 3.4, docs/training.md). `inference.py` is the serving code that goes into the model
artifact; it never imports this package.
"""
