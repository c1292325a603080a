"""What korwatch shows people about a year: turnover series, the chart, the standalone report."""
