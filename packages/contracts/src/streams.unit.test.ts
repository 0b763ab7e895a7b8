import { describe, expect, it } from '@jest/globals';
import { InvalidStreamIdError, parseStreamId, streamId } from './streams';
import { Topics, deadLetterTopic } from './topics';

const id = '0192f1a4-7b3c-7d2e-9f10-1234567890ab';

describe('stream ids', () => {
  it('joins a category and a UUID, and splits them back', () => {
    expect(streamId('employee', id)).toBe(`employee-${id}`);
    expect(parseStreamId(`programme-${id}`)).toEqual({ category: 'programme', id });
  });

  it('refuses a NIP as an aggregate id', () => {
    expect(() => streamId('employee', '198503302010011002')).toThrow(InvalidStreamIdError);
    expect(() => parseStreamId('employee-198503302010011002')).toThrow(InvalidStreamIdError);
  });

  it('does not echo the refused id in its message, which may be personal data', () => {
    const error = (() => {
      try {
        parseStreamId('employee-198503302010011002');
      } catch (e) {
        return e as Error;
      }
      throw new Error('parseStreamId accepted a NIP');
    })();
    expect(error.message).not.toContain('198503302010011002');
  });

  it('refuses an uppercase UUID, so one aggregate cannot have two streams', () => {
    expect(() => streamId('employee', id.toUpperCase())).toThrow(InvalidStreamIdError);
  });

  it('refuses unknown categories and names without an id', () => {
    expect(() => parseStreamId(`payroll-${id}`)).toThrow(/known category/);
    expect(() => parseStreamId('employee')).toThrow(InvalidStreamIdError);
    expect(() => streamId('payroll' as never, id)).toThrow(/unknown stream category/);
  });
});

describe('topics', () => {
  it('names one topic per context', () => {
    expect(Object.values(Topics)).toEqual(['asn.personnel.v1', 'asn.evaluation.v1', 'asn.training.v1', 'asn.feedback.v1']);
  });

  it('names a dead-letter topic per topic and consumer group', () => {
    expect(deadLetterTopic(Topics.personnel, 'evaluation-roster')).toBe('asn.personnel.v1.dlq.evaluation-roster');
  });

  it('refuses a consumer group Kafka cannot put in a topic name', () => {
    expect(() => deadLetterTopic(Topics.personnel, 'evaluation/roster')).toThrow(RangeError);
    expect(() => deadLetterTopic(Topics.personnel, 'g'.repeat(250))).toThrow(RangeError);
  });
});
