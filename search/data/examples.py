"""Example series a user can write to a CSV file and search on: realistic shapes with known
causes, made the same on every machine."""

from __future__ import annotations

import numpy as np
import pandas as pd

EXAMPLES = ("demand",)


def demand(days: int = 364, seed: int = 7) -> pd.DataFrame:
    """Half-hourly electricity demand (``time``, ``demand``, ``temperature``): a daily
    profile (a morning and an evening peak), quieter weekends, heating below 16 °C and
    cooling above 22 °C driven by a temperature with a yearly and a daily cycle and its own
    weather, and autocorrelated noise. Seasons of 48 and 336 steps."""
    rng = np.random.default_rng(seed)
    steps = days * 48
    t = np.arange(steps)
    hour = (t % 48) / 2.0
    day = t // 48
    weekend = (day % 7) >= 5
    weather = np.zeros(steps)
    shocks = rng.normal(0.0, 0.08, steps)
    for i in range(1, steps):  # slow fronts: a day's weather lingers for days
        weather[i] = 0.998 * weather[i - 1] + shocks[i]
    temperature = (
        12.0
        - 9.0 * np.cos(2 * np.pi * (day - 15) / 365)
        - 4.0 * np.cos(2 * np.pi * (hour - 3) / 24)
        + weather
    )
    profile = (
        0.55
        + 0.35 * np.exp(-(((hour - 8.5) / 1.8) ** 2))
        + 0.45 * np.exp(-(((hour - 18.5) / 2.2) ** 2))
        + 0.25 * ((hour > 7) & (hour < 22))
    )
    profile = np.where(weekend, 0.8 * profile, profile)
    heating = 6.0 * np.maximum(16.0 - temperature, 0.0)
    cooling = 9.0 * np.maximum(temperature - 22.0, 0.0)
    noise = np.zeros(steps)
    innovations = rng.normal(0.0, 6.0, steps)
    for i in range(1, steps):
        noise[i] = 0.7 * noise[i - 1] + innovations[i]
    load = 300.0 * profile + heating * (0.6 + 0.4 * profile) + cooling + noise
    time = pd.date_range("2025-01-06", periods=steps, freq="30min")
    return pd.DataFrame(
        {
            "time": time.strftime("%Y-%m-%d %H:%M"),
            "demand": np.round(load, 2),
            "temperature": np.round(temperature, 2),
        }
    )
