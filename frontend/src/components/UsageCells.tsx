import { CellLabel } from './CellLabel.tsx';
import { count, usd } from '../lib/format.ts';

/** A usage table row's four figures (requests, input and output tokens, cost), each labelled for the card layout. */
export function UsageCells(props: {
  /** What the first figure counts: "Requests" (the default) or "Replies". */
  requestsLabel?: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** Dollars, as a number or the API's decimal string. */
  cost: number | string;
}) {
  return (
    <>
      <td class="num">
        <CellLabel>{props.requestsLabel ?? 'Requests'}</CellLabel>
        {count(props.requests)}
      </td>
      <td class="num">
        <CellLabel>Input tokens</CellLabel>
        {count(props.inputTokens)}
      </td>
      <td class="num">
        <CellLabel>Output tokens</CellLabel>
        {count(props.outputTokens)}
      </td>
      <td class="num">
        <CellLabel>Cost</CellLabel>
        {usd(props.cost)}
      </td>
    </>
  );
}

/** The header cells over UsageCells, in the same order and words. */
export function UsageColumns(props: { requestsLabel?: string }) {
  return (
    <>
      <th scope="col" class="num">
        {props.requestsLabel ?? 'Requests'}
      </th>
      <th scope="col" class="num">
        Input tokens
      </th>
      <th scope="col" class="num">
        Output tokens
      </th>
      <th scope="col" class="num">
        Cost
      </th>
    </>
  );
}
