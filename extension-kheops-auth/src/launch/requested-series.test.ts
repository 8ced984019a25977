import { missingRequestedSeries, missingSeriesMessage } from './requested-series';

describe('missingRequestedSeries', () => {
  const study = ['1.2.3.1', '1.2.3.2'];

  test('nothing is missing when the clicked series is in the study', () => {
    expect(missingRequestedSeries('?StudyInstanceUIDs=1.2.3&initialSeriesInstanceUID=1.2.3.2', study)).toEqual([]);
  });

  test('a clicked series that is not in the study is reported', () => {
    expect(missingRequestedSeries('?StudyInstanceUIDs=1.2.3&initialSeriesInstanceUID=9.9.9', study)).toEqual(['9.9.9']);
  });

  test('a launch without a clicked series asks for nothing', () => {
    expect(missingRequestedSeries('?StudyInstanceUIDs=1.2.3', study)).toEqual([]);
    expect(missingRequestedSeries('', study)).toEqual([]);
  });

  test('comma-separated and repeated values are each checked, once', () => {
    expect(missingRequestedSeries('?initialSeriesInstanceUID=1.2.3.1,9.9.9&initialSeriesInstanceUID=9.9.9', study)).toEqual(['9.9.9']);
  });

  test('the parameter name is OHIF\'s exactly; UIDs are compared exactly', () => {
    expect(missingRequestedSeries('?initialSeriesInstanceUID=1.2.3.10', study)).toEqual(['1.2.3.10']);
  });
});

describe('missingSeriesMessage', () => {
  test('names the series and says the whole study is shown', () => {
    expect(missingSeriesMessage(['9.9.9'])).toBe(
      'The series you opened (9.9.9) is not in this study, or no longer available to you. The whole study is shown instead.',
    );
    expect(missingSeriesMessage(['1', '2'])).toMatch(/^The series you opened \(1, 2\) are not in this study/);
  });
});
