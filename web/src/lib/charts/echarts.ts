/**
 * The one ECharts wrapper: a Svelte action that owns init, setOption, resize (ResizeObserver)
 * and dispose. Only the charts and components the pages use are registered (tree-shaken
 * `echarts/core`: about half the size of importing all of echarts).
 */
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, MarkLineComponentOption, TooltipComponentOption } from 'echarts/components';
import type { Action } from 'svelte/action';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | MarkLineComponentOption | TooltipComponentOption
>;

export interface ChartParams {
  option: ChartOption;
  /** Called with the category index when a bar or point is clicked. */
  onclick?: (dataIndex: number) => void;
}

export const PALETTE = ['#1f5fa8', '#d4881f', '#3d9a6b', '#b4232a', '#7a5aa6', '#5c6b7a'];

export const chart: Action<HTMLElement, ChartParams> = (node, params) => {
  const instance = echarts.init(node, undefined, { renderer: 'canvas' });
  let current = params;
  instance.setOption({ color: PALETTE, animation: false, ...current.option }, true);
  instance.on('click', (e) => {
    if (typeof e.dataIndex === 'number') current.onclick?.(e.dataIndex);
  });
  const ro = new ResizeObserver(() => instance.resize());
  ro.observe(node);
  return {
    update(next) {
      current = next;
      instance.setOption({ color: PALETTE, animation: false, ...next.option }, true);
    },
    destroy() {
      ro.disconnect();
      instance.dispose();
    },
  };
};
