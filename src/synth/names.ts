/**
 * Name lists for synthetic people: common US given and family names, with deliberately tricky
 * ones (apostrophes, hyphens, spaces, diacritics, Vietnamese tone marks) so de-identifiers and
 * leak scanners meet them in tests. None of these lists holds a real person's data.
 */

/** Male given names. */
// biome-ignore format: a data table reads better packed
export const MALE_GIVEN_NAMES: readonly string[] = [
  'James', 'Robert', 'John', 'Michael', 'David', 'William', 'Richard', 'Joseph', 'Thomas', 'Christopher',
  'Charles', 'Daniel', 'Matthew', 'Anthony', 'Mark', 'Donald', 'Steven', 'Andrew', 'Paul', 'Joshua',
  'Kenneth', 'Kevin', 'Brian', 'Timothy', 'Ronald', 'George', 'Jason', 'Edward', 'Jeffrey', 'Ryan',
  'Jacob', 'Nicholas', 'Gary', 'Eric', 'Jonathan', 'Stephen', 'Larry', 'Justin', 'Scott', 'Brandon',
  'Benjamin', 'Samuel', 'Gregory', 'Alexander', 'Patrick', 'Frank', 'Raymond', 'Jack', 'Dennis', 'Jerry',
  'Tyler', 'Aaron', 'Jose', 'José', 'Adam', 'Nathan', 'Henry', 'Zachary', 'Douglas', 'Peter',
  'Kyle', 'Noah', 'Ethan', 'Jeremy', 'Christian', 'Walter', 'Keith', 'Austin', 'Roger', 'Terry',
  'Sean', 'Gerald', 'Carl', 'Dylan', 'Harold', 'Jordan', 'Jesse', 'Bryan', 'Lawrence', 'Arthur',
  'Gabriel', 'Bruce', 'Logan', 'Billy', 'Joe', 'Alan', 'Juan', 'Elijah', 'Willie', 'Albert',
  'Wayne', 'Randy', 'Mason', 'Vincent', 'Liam', 'Roy', 'Bobby', 'Caleb', 'Bradley', 'Russell',
  'Lucas', 'Mohammed', 'Muhammad', 'Ahmed', 'Omar', 'Wei', 'Hiroshi', 'Raj', 'Arjun', 'Dmitri',
  'Andrés', 'Jürgen', 'François', 'Björn', 'Seán', 'Luis', 'Carlos', 'Miguel', 'Diego', 'Minh',
  'Quang', 'Tuấn', "D'Andre", 'DeShawn', 'Jean-Luc', 'Malik', 'Kwame', 'Chidi', 'Ángel', 'Jesús',
];

/** Female given names. */
// biome-ignore format: a data table reads better packed
export const FEMALE_GIVEN_NAMES: readonly string[] = [
  'Mary', 'Patricia', 'Jennifer', 'Linda', 'Elizabeth', 'Barbara', 'Susan', 'Jessica', 'Sarah', 'Karen',
  'Lisa', 'Nancy', 'Betty', 'Sandra', 'Margaret', 'Ashley', 'Kimberly', 'Emily', 'Donna', 'Michelle',
  'Carol', 'Amanda', 'Melissa', 'Deborah', 'Stephanie', 'Dorothy', 'Rebecca', 'Sharon', 'Laura', 'Cynthia',
  'Amy', 'Kathleen', 'Angela', 'Shirley', 'Brenda', 'Emma', 'Anna', 'Pamela', 'Nicole', 'Samantha',
  'Katherine', 'Christine', 'Helen', 'Debra', 'Rachel', 'Carolyn', 'Janet', 'Maria', 'Catherine', 'Heather',
  'Diane', 'Olivia', 'Julie', 'Joyce', 'Victoria', 'Ruth', 'Virginia', 'Lauren', 'Kelly', 'Christina',
  'Joan', 'Evelyn', 'Judith', 'Andrea', 'Hannah', 'Megan', 'Cheryl', 'Jacqueline', 'Martha', 'Madison',
  'Teresa', 'Gloria', 'Sara', 'Janice', 'Ann', 'Kathryn', 'Abigail', 'Sophia', 'Frances', 'Jean',
  'Alice', 'Judy', 'Isabella', 'Julia', 'Grace', 'Amber', 'Denise', 'Danielle', 'Marilyn', 'Beverly',
  'Charlotte', 'Natalie', 'Theresa', 'Diana', 'Brittany', 'Doris', 'Kayla', 'Alexis', 'Lori', 'Marie',
  'Zoë', 'Chloé', 'Renée', 'Inés', 'María', 'Sofía', 'Noémie', 'Zoé', 'Mei', 'Yuki',
  'Priya', 'Aisha', 'Fatima', 'Ngọc', 'Thảo', 'Lan', 'Anh', 'Siobhán', 'Mary-Kate', 'Anne-Marie',
  'Ana', 'Guadalupe', 'Ximena', 'Oluwaseun', 'Ngozi', 'Ingrid', 'Małgorzata', 'Beyoncé', 'Élodie', 'Saoirse',
];

/** Family names. */
// biome-ignore format: a data table reads better packed
export const FAMILY_NAMES: readonly string[] = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores',
  'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts',
  'Gomez', 'Phillips', 'Evans', 'Turner', 'Diaz', 'Parker', 'Cruz', 'Edwards', 'Collins', 'Reyes',
  'Stewart', 'Morris', 'Morales', 'Murphy', 'Cook', 'Rogers', 'Gutierrez', 'Ortiz', 'Morgan', 'Cooper',
  'Peterson', 'Bailey', 'Reed', 'Kelly', 'Howard', 'Ramos', 'Kim', 'Cox', 'Ward', 'Richardson',
  'Watson', 'Brooks', 'Chavez', 'Wood', 'James', 'Bennett', 'Gray', 'Mendoza', 'Ruiz', 'Hughes',
  'Price', 'Alvarez', 'Castillo', 'Sanders', 'Patel', 'Myers', 'Long', 'Ross', 'Foster', 'Jimenez',
  'Powell', 'Jenkins', 'Perry', 'Russell', 'Sullivan', 'Bell', 'Coleman', 'Butler', 'Henderson', 'Barnes',
  'Gonzales', 'Fisher', 'Vasquez', 'Simmons', 'Romero', 'Jordan', 'Patterson', 'Alexander', 'Hamilton', 'Graham',
  'Reynolds', 'Griffin', 'Wallace', 'Moreno', 'West', 'Cole', 'Hayes', 'Bryant', 'Herrera', 'Gibson',
  'Ellis', 'Tran', 'Medina', 'Aguilar', 'Stevens', 'Murray', 'Ford', 'Castro', 'Marshall', 'Owens',
  'Harrison', 'Fernandez', 'McDonald', 'Woods', 'Washington', 'Kennedy', 'Wells', 'Vargas', 'Henry', 'Chen',
  'Freeman', 'Webb', 'Tucker', 'Guzman', 'Burns', 'Crawford', 'Olson', 'Simpson', 'Porter', 'Hunter',
  'Gordon', 'Mendez', 'Silva', 'Shaw', 'Snyder', 'Mason', 'Dixon', 'Muñoz', 'Hunt', 'Hicks',
  'Holmes', 'Palmer', 'Wagner', 'Black', 'Robertson', 'Boyd', 'Rose', 'Stone', 'Salazar', 'Fox',
  'Warren', 'Mills', 'Meyer', 'Rice', 'Schmidt', 'Garza', 'Daniels', 'Ferguson', 'Nichols', 'Stephens',
  'Soto', 'Weaver', 'Ryan', 'Gardner', 'Payne', 'Grant', 'Dunn', 'Kelley', 'Spencer', 'Hawkins',
  'Arnold', 'Pierce', 'Vazquez', 'Hansen', 'Peters', 'Santos', 'Hart', 'Bradley', 'Knight', 'Elliott',
  'Cunningham', 'Duncan', 'Armstrong', 'Hudson', 'Carroll', 'Lane', 'Riley', 'Andrews', 'Alvarado', 'Ray',
  'Delgado', 'Berry', 'Perkins', 'Hoffman', 'Johnston', 'Matthews', 'Peña', 'Richards', 'Willis', 'Carpenter',
  'Lawrence', 'Sandoval', "O'Brien", "O'Connor", "O'Neill", "D'Angelo", 'McAllister', 'MacGregor', 'Smith-Jones', 'García-López',
  'Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Đặng', 'Wong', 'Wang', 'Li', 'Zhang',
  'Liu', 'Yamamoto', 'Tanaka', 'Sato', 'Kowalski', 'Nowak', 'Müller', 'Schröder', 'Østergaard', 'Åberg',
  'van der Berg', 'De La Cruz', 'St. John', 'Al-Sayed', 'Ben-David', 'Singh', 'Kumar', 'Shah', 'Okafor', 'Adeyemi',
  'Mensah', 'Haddad', 'Khoury', 'Ivanov', 'Petrov', 'Papadopoulos', 'Rossi', 'Bianchi', 'Ferrari', 'Dubois',
  'Lefèvre', 'Søndergaard', 'Abernathy-Wills', 'Ó Súilleabháin', 'Çelik', 'Yılmaz', 'Kovačević', 'Dvořák', 'Nuñez', 'Ibáñez',
];

/** Name prefixes, with the sex they fit (`any` for both). */
export const NAME_PREFIXES: readonly { text: string; sex: 'male' | 'female' | 'any' }[] = [
  { text: 'Mr.', sex: 'male' },
  { text: 'Mrs.', sex: 'female' },
  { text: 'Ms.', sex: 'female' },
  { text: 'Dr.', sex: 'any' },
  { text: 'Rev.', sex: 'any' },
];

/** Name suffixes. */
export const NAME_SUFFIXES: readonly string[] = ['Jr.', 'Sr.', 'II', 'III', 'IV', 'PhD', 'MD'];
