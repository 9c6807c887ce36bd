package testenv

// HighAPIErrorRateRule is a Prometheus rule file with one alert,
// HighAPIErrorRate: more than 5% of the exporter's requests answered 5xx
// over 10 s, per service, firing at once with severity critical. Short
// windows keep end-to-end tests fast with StartExporter's one-second scrapes.
const HighAPIErrorRateRule = `
groups:
  - name: hindsight-test
    rules:
      - alert: HighAPIErrorRate
        expr: |
          sum by (service) (rate(http_requests_total{code=~"5.."}[10s]))
            / sum by (service) (rate(http_requests_total[10s])) > 0.05
        for: 0s
        labels:
          severity: critical
        annotations:
          summary: API 5xx error rate above 5%
`
