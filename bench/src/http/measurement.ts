import type { Measurement } from '../common';

/** The op key of the HTTP command rows (ratios and goals find them by it). */
export const HTTP_OP = 'http.transfer';

/** A row of the HTTP line, with what makes it valid or not. */
export interface HttpMeasurement extends Measurement {
  http: {
    connections: number;
    seconds: number;
    /** Non-2xx responses, connection errors and timeouts, warm-up included: any makes the line invalid. */
    failures: number;
    statuses: Record<string, number>;
    firstFailure?: string;
  };
}

export const isHttpMeasurement = (m: Measurement): m is HttpMeasurement => 'http' in m;
