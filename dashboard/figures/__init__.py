"""Pure figure builders: DataFrame in, plotly Figure out, one shared theme."""
