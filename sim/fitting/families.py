"""Maximum-likelihood fits of the four duration families a scenario can name, with 95 % intervals.

Exponential, lognormal, gamma and Weibull are compared by AIC. Fully observed samples (service times)
are fitted with scipy.stats; right-censored samples (patience: served customers only tell us that
their patience outlasted their wait) with lifelines' parametric survival fitters. Either way the
parameters come back in the scenario's own syntax (lognormal by mean and sd, gamma and Weibull by
shape and scale) with delta-method 95 % intervals from the covariance of the fitted parameters.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from scipy import stats

FAMILIES = ("exponential", "lognormal", "gamma", "weibull")


def _frozen(family: str, p: np.ndarray):
    """The scipy distribution of ``family`` with natural parameters ``p``."""
    if family == "exponential":
        return stats.expon(scale=p[0])
    if family == "lognormal":
        return stats.lognorm(s=p[1], scale=math.exp(p[0]))
    if family == "gamma":
        return stats.gamma(a=p[0], scale=p[1])
    return stats.weibull_min(c=p[0], scale=p[1])


def _scenario_params(family: str, p: np.ndarray) -> dict[str, float]:
    """Natural parameters -> the keys the scenario file uses for ``family``."""
    if family == "exponential":
        return {"mean": float(p[0])}
    if family == "lognormal":
        mu, sigma = p
        mean = math.exp(mu + sigma * sigma / 2)
        return {"mean": mean, "sd": mean * math.sqrt(math.expm1(sigma * sigma))}
    return {"shape": float(p[0]), "scale": float(p[1])}


@dataclass
class FamilyFit:
    """One family fitted to one sample: its parameters (scenario syntax) with 95 % intervals, and AIC."""

    family: str
    natural: list[float]  # exponential: mean; lognormal: mu, sigma; gamma and Weibull: shape, scale
    params: dict[str, float]
    log_se: dict[str, float]  # standard error of each parameter's logarithm (delta method)
    log_likelihood: float
    aic: float
    n: int
    events: int

    def interval(self, key: str, level: float = 0.95) -> tuple[float, float]:
        """Interval of one parameter, symmetric on the log scale so it stays positive."""
        z = float(stats.norm.ppf(0.5 + level / 2))
        value, se = self.params[key], self.log_se[key]
        return value * math.exp(-z * se), value * math.exp(z * se)

    @property
    def intervals(self) -> dict[str, tuple[float, float]]:
        """95 % intervals of the parameters, in the scenario's syntax."""
        return {key: self.interval(key) for key in self.params}

    @property
    def distribution(self):
        """The fitted distribution as a frozen scipy.stats object (for quantiles and plots)."""
        return _frozen(self.family, np.asarray(self.natural))

    @property
    def mean(self) -> float:
        return float(self.distribution.mean())

    def as_scenario(self, digits: int = 4) -> dict[str, float | str]:
        """The ``{dist: ..., ...}`` mapping a scenario file takes."""
        return {"dist": self.family, **{k: float(f"{v:.{digits}g}") for k, v in self.params.items()}}


@dataclass
class FamilyChoice:
    """All families fitted to one sample, best (lowest AIC) first."""

    fits: list[FamilyFit]
    failed: dict[str, str] = field(default_factory=dict)  # family -> why it could not be fitted

    @property
    def best(self) -> FamilyFit:
        """The simplest family within 2 AIC points of the lowest (Burnham & Anderson's rule of thumb).

        Families that close are equally supported by the data; the simpler one extrapolates more
        safely, which matters for patience, where the longest waits seen cut the data short.
        """
        lowest = self.fits[0].aic
        supported = [f for f in self.fits if f.aic - lowest <= 2.0]
        return min(supported, key=lambda f: (len(f.natural), f.aic))

    def get(self, family: str) -> FamilyFit | None:
        return next((f for f in self.fits if f.family == family), None)


def _hessian(function: Callable[[np.ndarray], float], x: np.ndarray) -> np.ndarray:
    """Central-difference Hessian of a smooth function at ``x`` (steps scaled to each coordinate)."""
    n = x.size
    steps = 1e-4 * np.maximum(np.abs(x), 1e-3)
    hessian = np.empty((n, n))
    for i in range(n):
        for j in range(i, n):
            ei, ej = np.eye(n)[i] * steps[i], np.eye(n)[j] * steps[j]
            value = (function(x + ei + ej) - function(x + ei - ej) - function(x - ei + ej) + function(x - ei - ej))
            hessian[i, j] = hessian[j, i] = value / (4 * steps[i] * steps[j])
    return hessian


def _log_standard_errors(family: str, natural: np.ndarray, covariance: np.ndarray) -> dict[str, float]:
    """Delta-method standard errors of the logarithms of the scenario parameters."""
    result = {}
    for key in _scenario_params(family, natural):
        gradient = np.empty(natural.size)
        for i in range(natural.size):
            step = 1e-6 * max(abs(natural[i]), 1e-3)
            up, down = natural.copy(), natural.copy()
            up[i] += step
            down[i] -= step
            gradient[i] = (math.log(_scenario_params(family, up)[key]) - math.log(_scenario_params(family, down)[key])) / (2 * step)
        result[key] = math.sqrt(max(float(gradient @ covariance @ gradient), 0.0))
    return result


def _complete_fit(family: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """MLE and covariance for a fully observed sample, with scipy.stats."""
    if family == "exponential":
        natural = np.array([x.mean()])
    elif family == "lognormal":
        logs = np.log(x)
        natural = np.array([logs.mean(), logs.std()])
    elif family == "gamma":
        shape, _, scale = stats.gamma.fit(x, floc=0)
        natural = np.array([shape, scale])
    else:
        shape, _, scale = stats.weibull_min.fit(x, floc=0)
        natural = np.array([shape, scale])

    def log_likelihood(p: np.ndarray) -> float:
        return float(np.sum(_frozen(family, p).logpdf(x)))

    covariance = np.linalg.inv(-_hessian(log_likelihood, natural))
    return natural, covariance, log_likelihood(natural)


def _gamma_fitter():
    """A lifelines fitter for the gamma distribution (shape k, scale theta), which lifelines lacks."""
    import autograd.numpy as anp
    from autograd_gamma import gammaincc
    from lifelines.fitters import ParametricUnivariateFitter

    class GammaFitter(ParametricUnivariateFitter):
        _fitted_parameter_names = ["k_", "theta_"]
        _bounds = [(1e-6, None), (1e-6, None)]

        def _cumulative_hazard(self, params, times):
            k, theta = params
            return -anp.log(gammaincc(k, times / theta))

    return GammaFitter()


def _censored_fit(family: str, durations: np.ndarray, observed: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """MLE and covariance for a right-censored sample, with lifelines' parametric fitters."""
    from lifelines import ExponentialFitter, LogNormalFitter, WeibullFitter

    events = durations[observed]
    if family == "exponential":
        fitter, names = ExponentialFitter(), ["lambda_"]
        fitter.fit(durations, observed)
    elif family == "lognormal":
        fitter, names = LogNormalFitter(), ["mu_", "sigma_"]
        fitter.fit(durations, observed)
    elif family == "weibull":
        fitter, names = WeibullFitter(), ["rho_", "lambda_"]
        fitter.fit(durations, observed)
    else:
        fitter, names = _gamma_fitter(), ["k_", "theta_"]
        mean, var = events.mean(), max(events.var(), 1e-9)
        fitter.fit(durations, observed, initial_point=np.array([mean * mean / var, var / mean]))
    natural = np.array([fitter.params_[name] for name in names], dtype=float)
    covariance = fitter.variance_matrix_.loc[names, names].to_numpy(dtype=float)
    return natural, covariance, float(fitter.log_likelihood_)


def fit_family(family: str, durations, observed=None) -> FamilyFit:
    """Fit one family; ``observed`` marks which durations ended in the event (omit when all did)."""
    x = np.asarray(durations, dtype=float)
    seen = np.ones(x.size, bool) if observed is None else np.asarray(observed, bool)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if seen.all():
            natural, covariance, log_likelihood = _complete_fit(family, x)
        else:
            natural, covariance, log_likelihood = _censored_fit(family, x, seen)
    if not np.all(np.isfinite(natural)) or not np.all(np.isfinite(covariance)):
        raise ValueError("the fit did not converge")
    k = natural.size
    return FamilyFit(family, natural.tolist(), _scenario_params(family, natural), _log_standard_errors(family, natural, covariance),
                     log_likelihood, 2 * k - 2 * log_likelihood, int(x.size), int(seen.sum()))


def choose_family(durations, observed=None, families=FAMILIES) -> FamilyChoice:
    """Fit every family and rank them by AIC (lower is better); ``best`` is the one to use."""
    fits, failed = [], {}
    for family in families:
        try:
            fits.append(fit_family(family, durations, observed))
        except (ValueError, np.linalg.LinAlgError, ArithmeticError) as exc:
            failed[family] = str(exc) or type(exc).__name__
    fits.sort(key=lambda f: f.aic)
    return FamilyChoice(fits, failed)


def qq_points(fit: FamilyFit, durations, points: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """(theoretical, observed) quantiles for a QQ plot of a fully observed sample, thinned to ``points``."""
    x = np.sort(np.asarray(durations, dtype=float))
    probabilities = (np.arange(1, x.size + 1) - 0.5) / x.size
    keep = np.unique(np.linspace(0, x.size - 1, min(points, x.size)).astype(int))
    return fit.distribution.ppf(probabilities[keep]), x[keep]
