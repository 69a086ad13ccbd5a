/** Instruments made from catalogue entries (`catalogue.ts`): name, unit, description, buckets. */
import {
  type Counter,
  type Histogram,
  type Meter,
  type ObservableGauge,
  ValueType,
} from '@opentelemetry/api';
import type { MetricDefinition } from './catalogue.ts';

function options(def: MetricDefinition) {
  return {
    description: def.description,
    unit: def.unit,
    valueType: def.integer ? ValueType.INT : ValueType.DOUBLE,
    ...(def.buckets !== undefined
      ? { advice: { explicitBucketBoundaries: [...def.buckets] } }
      : {}),
  };
}

export function createHistogram(meter: Meter, def: MetricDefinition): Histogram {
  return meter.createHistogram(def.name, options(def));
}

export function createCounter(meter: Meter, def: MetricDefinition): Counter {
  return meter.createCounter(def.name, options(def));
}

export function createObservableGauge(meter: Meter, def: MetricDefinition): ObservableGauge {
  return meter.createObservableGauge(def.name, options(def));
}
