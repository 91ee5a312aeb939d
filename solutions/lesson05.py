"""Reference solutions for lesson 05, ANNs for tabular data."""

def ex05_standardize(X_train, X_other):
    """Scale both with the *training* mean and std (never statistics of the data you evaluate on)."""
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    return (X_train - mean) / std, (X_other - mean) / std


# confusion matrix [[TN, FP], [FN, TP]] = [[50, 10], [5, 35]]
ex05_precision_recall = {"precision": 35 / (35 + 10), "recall": 35 / (35 + 5)}
ex05_loss_for_task = {"churn": "BCEWithLogitsLoss", "digits": "CrossEntropyLoss", "demand": "MSELoss"}
