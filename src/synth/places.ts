/**
 * Places for synthetic addresses and owners: US cities with their first three ZIP digits, an
 * area code, the state FIPS code (for driver's licence OIDs) and a fixed UTC offset. A separate
 * list holds towns in the HIPAA Safe Harbor restricted three-digit ZIP areas (population under
 * 20,000), which a de-identifier must turn into `000`.
 */
export type Place = {
  city: string;
  state: string;
  /** Two-digit state FIPS code. */
  fips: string;
  zip3: string;
  areaCode: string;
  /** Standard-time UTC offset, `-05:00`. */
  offset: string;
};

const p = (
  city: string,
  state: string,
  fips: string,
  zip3: string,
  areaCode: string,
  offset: string,
): Place => ({
  city,
  state,
  fips,
  zip3,
  areaCode,
  offset,
});

/** Common cities (none in a restricted ZIP3 area). */
// biome-ignore format: a data table reads better packed
export const CITIES: readonly Place[] = [
  p('Boston', 'MA', '25', '021', '617', '-05:00'), p('Worcester', 'MA', '25', '016', '508', '-05:00'),
  p('Springfield', 'IL', '17', '627', '217', '-06:00'), p('Chicago', 'IL', '17', '606', '312', '-06:00'),
  p('Columbus', 'OH', '39', '432', '614', '-05:00'), p('Cleveland', 'OH', '39', '441', '216', '-05:00'),
  p('Houston', 'TX', '48', '770', '713', '-06:00'), p('Dallas', 'TX', '48', '752', '214', '-06:00'),
  p('Austin', 'TX', '48', '787', '512', '-06:00'), p('San Antonio', 'TX', '48', '782', '210', '-06:00'),
  p('Phoenix', 'AZ', '04', '850', '602', '-07:00'), p('Tucson', 'AZ', '04', '857', '520', '-07:00'),
  p('Los Angeles', 'CA', '06', '900', '213', '-08:00'), p('San Diego', 'CA', '06', '921', '619', '-08:00'),
  p('San José', 'CA', '06', '951', '408', '-08:00'), p('Sacramento', 'CA', '06', '958', '916', '-08:00'),
  p('Seattle', 'WA', '53', '981', '206', '-08:00'), p('Portland', 'OR', '41', '972', '503', '-08:00'),
  p('Denver', 'CO', '08', '802', '303', '-07:00'), p('Minneapolis', 'MN', '27', '554', '612', '-06:00'),
  p('Milwaukee', 'WI', '55', '532', '414', '-06:00'), p('Detroit', 'MI', '26', '482', '313', '-05:00'),
  p('Atlanta', 'GA', '13', '303', '404', '-05:00'), p('Miami', 'FL', '12', '331', '305', '-05:00'),
  p('Orlando', 'FL', '12', '328', '407', '-05:00'), p('Tampa', 'FL', '12', '336', '813', '-05:00'),
  p('Charlotte', 'NC', '37', '282', '704', '-05:00'), p('Raleigh', 'NC', '37', '276', '919', '-05:00'),
  p('Nashville', 'TN', '47', '372', '615', '-06:00'), p('Memphis', 'TN', '47', '381', '901', '-06:00'),
  p('New Orleans', 'LA', '22', '701', '504', '-06:00'), p('Philadelphia', 'PA', '42', '191', '215', '-05:00'),
  p('Pittsburgh', 'PA', '42', '152', '412', '-05:00'), p('Baltimore', 'MD', '24', '212', '410', '-05:00'),
  p('Richmond', 'VA', '51', '232', '804', '-05:00'), p('New York', 'NY', '36', '100', '212', '-05:00'),
  p('Brooklyn', 'NY', '36', '112', '718', '-05:00'), p('Buffalo', 'NY', '36', '142', '716', '-05:00'),
  p('Newark', 'NJ', '34', '071', '973', '-05:00'), p('Hartford', 'CT', '09', '061', '860', '-05:00'),
  p('Providence', 'RI', '44', '029', '401', '-05:00'), p('Salt Lake City', 'UT', '49', '841', '801', '-07:00'),
  p('Albuquerque', 'NM', '35', '871', '505', '-07:00'), p('Las Vegas', 'NV', '32', '891', '702', '-08:00'),
  p('Kansas City', 'MO', '29', '641', '816', '-06:00'), p('St. Louis', 'MO', '29', '631', '314', '-06:00'),
  p('Omaha', 'NE', '31', '681', '402', '-06:00'), p('Indianapolis', 'IN', '18', '462', '317', '-05:00'),
  p('Louisville', 'KY', '21', '402', '502', '-05:00'), p('Honolulu', 'HI', '15', '968', '808', '-10:00'),
  p('Anchorage', 'AK', '02', '995', '907', '-09:00'), p('Boise', 'ID', '16', '837', '208', '-07:00'),
  p('Coeur d’Alene', 'ID', '16', '838', '208', '-08:00'), p('Española', 'NM', '35', '875', '505', '-07:00'),
];

/** Towns in the 17 HIPAA restricted ZIP3 areas (Safe Harbor §164.514(b)(2)(i)(B)). */
// biome-ignore format: a data table reads better packed
export const RESTRICTED_ZIP3_PLACES: readonly Place[] = [
  p('Charlestown', 'NH', '33', '036', '603', '-05:00'), p('Averill', 'VT', '50', '059', '802', '-05:00'),
  p('Fishers Island', 'NY', '36', '063', '631', '-05:00'), p('New York', 'NY', '36', '102', '212', '-05:00'),
  p('Washington', 'DC', '11', '203', '202', '-05:00'),
  p('Two Harbors', 'MN', '27', '556', '218', '-06:00'), p('Valentine', 'NE', '31', '692', '402', '-06:00'),
  p('Pampa', 'TX', '48', '790', '806', '-06:00'), p('Yellowstone National Park', 'WY', '56', '821', '307', '-07:00'),
  p('Rawlins', 'WY', '56', '823', '307', '-07:00'), p('Jackson', 'WY', '56', '830', '307', '-07:00'),
  p('Kemmerer', 'WY', '56', '831', '307', '-07:00'), p('Socorro', 'NM', '35', '878', '575', '-07:00'),
  p('Truth or Consequences', 'NM', '35', '879', '575', '-07:00'), p('Tucumcari', 'NM', '35', '884', '575', '-07:00'),
  p('Alamo', 'NV', '32', '890', '775', '-08:00'), p('Ely', 'NV', '32', '893', '775', '-08:00'),
];

/** Street names for address lines. */
// biome-ignore format: a data table reads better packed
export const STREET_NAMES: readonly string[] = [
  'Main', 'Oak', 'Pine', 'Maple', 'Cedar', 'Elm', 'Washington', 'Lake', 'Hill', 'Park',
  'Walnut', 'Sunset', 'Lincoln', 'Jackson', 'Church', 'River', 'Highland', 'Madison', 'Spring', 'Ridge',
  'Chestnut', 'Willow', 'Mill', 'Forest', 'Meadow', 'Franklin', 'Jefferson', 'Cherry', 'Adams', 'Lakeview',
  'Dogwood', 'Magnolia', 'Hickory', 'Birch', 'Sycamore', 'Martin Luther King Jr', 'César Chávez', 'Broadway', 'Center', 'Prospect',
];

/** Street suffixes. */
export const STREET_SUFFIXES: readonly string[] = [
  'St',
  'Ave',
  'Rd',
  'Blvd',
  'Ln',
  'Dr',
  'Ct',
  'Way',
  'Pl',
  'Ter',
];
