// An invoice is a list of lines; totals are computed, never stored.
import { applyTax, cents, type Bps, type Cents } from './money';

export interface InvoiceLine {
  readonly description: string;
  readonly quantity: number;
  readonly unitPrice: Cents;
  readonly taxRate: Bps;
}

export interface Invoice {
  readonly id: string;
  readonly customer: string;
  readonly lines: readonly InvoiceLine[];
}

export function lineNet(line: InvoiceLine): Cents {
  return cents(line.quantity * line.unitPrice);
}

export function lineTax(line: InvoiceLine): Cents {
  return applyTax(lineNet(line), line.taxRate);
}

export function invoiceTotal(invoice: Invoice): Cents {
  let total = 0;
  for (const line of invoice.lines) total += lineNet(line) + lineTax(line);
  return cents(total);
}
