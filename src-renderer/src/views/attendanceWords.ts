/** Plain words for the rules' statuses (the board and the month view). */
export const statusWords: Record<string, string> = {
  on_time: 'On time',
  late: 'Late',
  early_exit: 'Early exit',
  overtime: 'Overtime',
  absent: 'Absent',
  missing_check_out: 'No check-out',
  missing_check_in: 'No check-in',
  in: 'In',
  day_off: 'Day off',
};

/** Minutes as "7 h 05". */
export function hoursMinutes(minutes: number): string {
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')}`;
}
