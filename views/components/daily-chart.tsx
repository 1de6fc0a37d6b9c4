// A bar chart of one number per day, drawn on the server as SVG: no script, no inline style (the
// CSP allows neither), colours from the stylesheet. Each bar carries its day and value as a
// tooltip, and the figures are also in a table screen readers can read.

const WIDTH = 600;
const HEIGHT = 160;
const PAD = { top: 10, right: 8, bottom: 22, left: 36 };

/** A round axis maximum at or above `max`: 1, 2, 5, 10, 20, 50… */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 5, 10].find((s) => s * power >= max) ?? 10;
  return step * power;
}

export function DailyChart({ id, title, unit, kind, days }: { id: string; title: string; unit: string; kind: "synced" | "failed"; days: { day: string; value: number }[] }) {
  const top = niceMax(Math.max(0, ...days.map((d) => d.value)));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotWidth / Math.max(days.length, 1);
  const barWidth = Math.max(1, slot * 0.7);
  const total = days.reduce((sum, d) => sum + d.value, 0);
  const y = (value: number) => PAD.top + plotHeight - (value / top) * plotHeight;
  const label = (day: string) => day.slice(5).replace("-", "/");
  return (
    <figure class="chart">
      <svg id={id} class={`chart-svg chart-${kind}`} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${id}-title ${id}-desc`}>
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>
          {total} {unit} over {days.length} days; the most in one day: {Math.max(0, ...days.map((d) => d.value))}.
        </desc>
        <line class="chart-axis" x1={PAD.left} y1={y(0)} x2={WIDTH - PAD.right} y2={y(0)} />
        <line class="chart-grid" x1={PAD.left} y1={y(top)} x2={WIDTH - PAD.right} y2={y(top)} />
        <text class="chart-label" x={PAD.left - 4} y={y(top) + 4} text-anchor="end">{top}</text>
        <text class="chart-label" x={PAD.left - 4} y={y(0) + 4} text-anchor="end">0</text>
        {days.map((d, i) => {
          const x = PAD.left + i * slot + (slot - barWidth) / 2;
          const h = y(0) - y(d.value);
          return (
            <rect class="chart-bar" x={x.toFixed(1)} y={y(d.value).toFixed(1)} width={barWidth.toFixed(1)} height={h.toFixed(1)} data-day={d.day} data-value={d.value}>
              <title>{`${d.day}: ${d.value} ${unit}`}</title>
            </rect>
          );
        })}
        {days.length ? (
          <>
            <text class="chart-label" x={PAD.left} y={HEIGHT - 6}>{label(days[0]!.day)}</text>
            <text class="chart-label" x={WIDTH - PAD.right} y={HEIGHT - 6} text-anchor="end">{label(days.at(-1)!.day)}</text>
          </>
        ) : null}
      </svg>
      <figcaption>
        {title}: <strong>{total}</strong> in {days.length} days
      </figcaption>
      <details class="chart-table">
        <summary>Figures by day</summary>
        <table class="table compact">
          <thead>
            <tr><th scope="col">Day (UTC)</th><th scope="col">{unit}</th></tr>
          </thead>
          <tbody>
            {days.filter((d) => d.value > 0).map((d) => (
              <tr><td>{d.day}</td><td>{d.value}</td></tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
