"""Experiments on the model: replications, parallel and Dask runners, sweeps, comparisons, staffing search."""
