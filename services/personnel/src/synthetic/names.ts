import type { Random } from './random';

/**
 * Indonesian names as a civil registry in North Sumatra writes them: Batak (marga last, "Br." for women),
 * Malay and Javanese (often a single name), Minang, Chinese-Indonesian and Balinese (birth-order names).
 * Every name passes PersonName (employees/personal.ts); none is a word of a unit name or a position title.
 */

export type Ethnicity = 'batak' | 'malay' | 'javanese' | 'minang' | 'chinese' | 'balinese';
export type Sex = 'male' | 'female';

/** Shares in Tanjungbalai's civil service, roughly: Batak and Malay first. */
export const ETHNICITIES: readonly (readonly [Ethnicity, number])[] = [
  ['batak', 34],
  ['malay', 28],
  ['javanese', 24],
  ['minang', 7],
  ['chinese', 4],
  ['balinese', 3],
];

const MARGA = [
  'Siregar',
  'Simanjuntak',
  'Sitorus',
  'Nasution',
  'Lubis',
  'Harahap',
  'Hutagalung',
  'Pardede',
  'Sinaga',
  'Simatupang',
  'Panjaitan',
  'Manurung',
  'Tambunan',
  'Pasaribu',
  'Situmorang',
  'Hasibuan',
  'Damanik',
  'Purba',
  'Saragih',
  'Sihombing',
  'Marpaung',
  'Hutapea',
  'Napitupulu',
  'Sianturi',
  'Silalahi',
  'Tampubolon',
  'Butarbutar',
  'Rangkuti',
  'Pulungan',
  'Daulay',
  'Hutauruk',
  'Sirait',
] as const;

const BATAK = {
  male: [
    'Parlindungan',
    'Poltak',
    'Togar',
    'Binsar',
    'Maruli',
    'Sahat',
    'Tigor',
    'Bonar',
    'Hasudungan',
    'Jonner',
    'Marihot',
    'Parulian',
    'Benny',
    'Robert',
    'Johannes',
    'Daniel',
    'Samuel',
    'Ronald',
    'Edison',
    'Hotman',
    'Mangasi',
    'Pardamean',
    'Ahmad Rivai',
    'Muhammad Yusuf',
    'Syahrul',
    'Hotma',
    'Martua',
    'Gomgom',
  ],
  female: [
    'Hotma',
    'Rosmawati',
    'Tiurma',
    'Rotua',
    'Nurhayati',
    'Rumondang',
    'Dame',
    'Lamtiur',
    'Sondang',
    'Friska',
    'Lasmaria',
    'Rosdiana',
    'Erna',
    'Masniari',
    'Juliana',
    'Melati',
    'Nurhasanah',
    'Tiominar',
    'Romauli',
    'Herlina',
    'Ratna Sari',
    'Sri Rezeki',
  ],
} as const;

const MALAY = {
  first: {
    male: [
      'Muhammad',
      'Muh.',
      'M.',
      'Ahmad',
      'Abdul',
      'Tengku',
      'Wan',
      'Syahrial',
      'Zulkifli',
      'Khairul',
      'Rizky',
      'Iskandar',
    ],
    female: ['Siti', 'Nur', 'Nurul', 'Wan', 'Tengku', 'Syarifah', 'Dewi', 'Puspita'],
  },
  second: {
    male: [
      'Rizky',
      'Fauzi',
      'Azhar',
      'Syafii',
      'Arifin',
      'Jamaluddin',
      'Zainal',
      'Ridwan',
      'Amri',
      'Ismail',
      'Hasan',
      'Husin',
      'Syamsul Bahri',
      'Faisal',
      'Taufik',
      'Irwansyah',
      'Rahman',
      'Rahmadani',
      'Ma’ruf',
      'Yusuf',
      'Khairuddin',
      'Nasrul',
      'Saiful Anwar',
    ],
    female: [
      'Nur’aini',
      'Aisyah',
      'Nurhayati',
      'Khairunnisa',
      'Rahmawati',
      'Fatimah',
      'Zuraidah',
      'Halimah',
      'Salmah',
      'Hidayah',
      'Aminah',
      'Rosnah',
      'Mariani',
      'Fitriani',
      'Sa’adah',
      'Fadillah',
      'Sari',
      'Nurhaliza',
      'Juliani',
      'Rahmah',
    ],
  },
  single: {
    male: ['Zulkifli', 'Syahrial', 'Iskandar', 'Jamaluddin', 'Khairuddin', 'Irwansyah', 'Azhari'],
    female: ['Nurhayati', 'Zuraidah', 'Halimah', 'Rosnah', 'Salmiah', 'Khairani'],
  },
} as const;

const JAVANESE = {
  first: {
    male: [
      'Budi',
      'Agus',
      'Bambang',
      'Joko',
      'Slamet',
      'Eko',
      'Dwi',
      'Tri',
      'Heru',
      'Hadi',
      'Wahyu',
      'Sugeng',
      'Teguh',
      'Bayu',
      'Yudi',
    ],
    female: ['Sri', 'Endang', 'Tri', 'Dwi', 'Rini', 'Wahyu', 'Puji', 'Siti', 'Ratna', 'Yuli', 'Eka'],
  },
  second: {
    male: [
      'Santoso',
      'Setiawan',
      'Hermanto',
      'Prasetyo',
      'Susanto',
      'Wibowo',
      'Nugroho',
      'Purnomo',
      'Hartono',
      'Suryadi',
      'Kurniawan',
      'Pranoto',
      'Widodo',
      'Saputro',
      'Priyanto',
      'Hidayat',
      'Raharjo',
    ],
    female: [
      'Wahyuni',
      'Susilowati',
      'Rahayu',
      'Lestari',
      'Handayani',
      'Astuti',
      'Purwanti',
      'Suryani',
      'Wulandari',
      'Ningsih',
      'Utami',
      'Kusumawati',
      'Sulistyowati',
      'Mulyani',
      'Anggraini',
    ],
  },
  single: {
    male: [
      'Sukarno',
      'Suparman',
      'Sutrisno',
      'Paimin',
      'Tukiman',
      'Sugiono',
      'Mulyono',
      'Supriadi',
      'Jumadi',
      'Sumarno',
      'Sarmin',
      'Legiman',
    ],
    female: [
      'Suwarni',
      'Sumarni',
      'Wagiyem',
      'Sarinah',
      'Rusmini',
      'Sulastri',
      'Painem',
      'Tumini',
      'Ngatinah',
      'Suparmi',
    ],
  },
} as const;

const MINANG = {
  male: [
    'Rahmat Hidayat',
    'Yusrizal',
    'Afrizal',
    'Syafrizal',
    'Erizal',
    'Zulhendri',
    'Andika Pratama',
    'Fadli Rahman',
    'Irwan Syahputra',
    'Hendri Yanto',
    'Fikri Haikal',
    'Ilham Akbar',
    'Yulizar',
    'Zulfahmi',
    'Refdinal',
    'Jasman',
  ],
  female: [
    'Yuliarni',
    'Nofriyanti',
    'Fitri Handayani',
    'Desi Ratnasari',
    'Elvira Yanti',
    'Yusnimar',
    'Rosmaini',
    'Ernawati',
    'Yenni Marlina',
    'Sri Rahmi',
    'Mardiana',
    'Nelvi Yanti',
    'Zurniati',
    'Rahmi Fitria',
  ],
} as const;

const CHINESE = {
  given: {
    male: [
      'Hendra',
      'Suwito',
      'Ricky',
      'Susanto',
      'Wendy',
      'Andi',
      'Rudy',
      'Budiman',
      'Johan',
      'Kevin',
      'Eddy',
      'Willy',
      'Hartono',
    ],
    female: [
      'Lili',
      'Yenni',
      'Melinda',
      'Vivian',
      'Meiliana',
      'Susi',
      'Lina',
      'Linda',
      'Cindy',
      'Fransisca',
      'Stefani',
      'Megawati',
    ],
  },
  surname: [
    'Wijaya',
    'Gunawan',
    'Halim',
    'Salim',
    'Tanoto',
    'Tjandra',
    'Kusuma',
    'Hartanto',
    'Setiadi',
    'Lie',
    'Tan',
    'Lim',
    'Liem',
    'Ong',
    'Susanti',
    'Sanjaya',
  ],
} as const;

const BALINESE = {
  order: [['Wayan', 'Putu', 'Gede'], ['Made', 'Kadek', 'Nengah'], ['Nyoman', 'Komang'], ['Ketut']],
  given: {
    male: [
      'Suartana',
      'Wirawan',
      'Sudarsana',
      'Adi Putra',
      'Agus Mahendra',
      'Darma Yasa',
      'Arya Wibawa',
      'Surya Dharma',
      'Budiasa',
      'Sukadana',
    ],
    female: [
      'Ayu',
      'Ayu Lestari',
      'Sri Wahyuni',
      'Ari Susanti',
      'Sukmawati',
      'Wulandari',
      'Dewi Anggreni',
      'Sri Astuti',
      'Eka Yanti',
      'Ratih',
    ],
  },
} as const;

const batak = (random: Random, sex: Sex): string => {
  const marga = random.pick(MARGA);
  const given = random.pick(BATAK[sex]);
  if (sex === 'male') {
    if (!random.chance(0.2)) return `${given} ${marga}`;
    let second = random.pick(BATAK.male);
    while (second === given) second = random.pick(BATAK.male);
    return `${given} ${second} ${marga}`;
  }
  return random.weighted([
    [`${given} Br. ${marga}`, 45],
    [`${given} br ${marga}`, 15],
    [`${given} ${marga}`, 40],
  ]);
};

const malay = (random: Random, sex: Sex): string => {
  if (random.chance(0.12)) return random.pick(MALAY.single[sex]);
  const first = random.pick(MALAY.first[sex]);
  let second = random.pick(MALAY.second[sex]);
  while (second === first) second = random.pick(MALAY.second[sex]);
  const name = `${first} ${second}`;
  // The apostrophe is typed both ways; the registry keeps what the form said.
  return random.chance(0.5) ? name.replace(/’/g, "'") : name;
};

const javanese = (random: Random, sex: Sex): string => {
  if (random.chance(0.25)) return random.pick(JAVANESE.single[sex]);
  const first = random.pick(JAVANESE.first[sex]);
  const second = random.pick(JAVANESE.second[sex]);
  if (!random.chance(0.15)) return `${first} ${second}`;
  const middle = random.pick(JAVANESE.second[sex]);
  return middle === second ? `${first} ${second}` : `${first} ${middle} ${second}`;
};

const balinese = (random: Random, sex: Sex): string => {
  const order = random.pick(random.pick(BALINESE.order));
  const given = random.pick(BALINESE.given[sex]);
  if (sex === 'male')
    return order === 'Gede' || random.chance(0.7) ? `I ${order} ${given}` : `I Gede ${order} ${given}`;
  return random.chance(0.4) ? `Ni Luh ${order} ${given}` : `Ni ${order} ${given}`;
};

/** A name of the given ethnicity and sex. */
export const personName = (random: Random, ethnicity: Ethnicity, sex: Sex): string => {
  switch (ethnicity) {
    case 'batak':
      return batak(random, sex);
    case 'malay':
      return malay(random, sex);
    case 'javanese':
      return javanese(random, sex);
    case 'minang':
      return random.pick(MINANG[sex]);
    case 'chinese':
      return `${random.pick(CHINESE.given[sex])} ${random.pick(CHINESE.surname)}`;
    case 'balinese':
      return balinese(random, sex);
    default:
      return ethnicity satisfies never;
  }
};

/**
 * The name as a correction of the registry would spell it out, or undefined when there is nothing to
 * correct: abbreviations written in full, "Br." as the civil registry spells it.
 */
export const correctedName = (name: string): string | undefined => {
  const corrected = name
    .replace(/^Muh\. /, 'Muhammad ')
    .replace(/^M\. /, 'Muhammad ')
    .replace(/ br /, ' Br. ')
    .replace(/'/g, '’');
  return corrected === name ? undefined : corrected;
};

const STREETS = [
  'Jl. Jenderal Sudirman',
  'Jl. Teuku Umar',
  'Jl. Imam Bonjol',
  'Jl. Sisingamangaraja',
  'Jl. Ahmad Yani',
  'Jl. Diponegoro',
  'Jl. Mesjid',
  'Jl. Pahlawan',
  'Jl. HOS Cokroaminoto',
  'Jl. Mayjen Sutoyo',
  'Jl. Jumhana',
  'Jl. Arteri',
  'Jl. Asahan',
  'Jl. Ketapang',
  'Jl. Sei Raja',
  'Jl. Sentosa',
  'Jl. Kapten Tandean',
  'Jl. Karya',
  'Jl. Besar Teluk Nibung',
  'Jl. Veteran',
  'Jl. Cut Nyak Dhien',
  'Jl. Gatot Subroto',
  'Jl. Hamzah Fansuri',
] as const;

const PLACES = [
  'Kel. Pahang, Kec. Datuk Bandar',
  'Kel. Sirantau, Kec. Datuk Bandar',
  'Kel. Gading, Kec. Datuk Bandar',
  'Kel. Pantai Johor, Kec. Datuk Bandar',
  'Kel. Bunga Tanjung, Kec. Datuk Bandar Timur',
  'Kel. Pulau Simardan, Kec. Datuk Bandar Timur',
  'Kel. Selat Lancang, Kec. Datuk Bandar Timur',
  'Kel. Perwira, Kec. Tanjungbalai Selatan',
  'Kel. Indra Sakti, Kec. Tanjungbalai Selatan',
  'Kel. Matahalasan, Kec. Tanjungbalai Utara',
  'Kel. Kuala Silo Bestari, Kec. Tanjungbalai Utara',
  'Kel. Pasar Baru, Kec. Sei Tualang Raso',
  'Kel. Muara Sentosa, Kec. Sei Tualang Raso',
  'Kel. Keramat Kubah, Kec. Sei Tualang Raso',
  'Kel. Perjuangan, Kec. Teluk Nibung',
  'Kel. Pematang Pasir, Kec. Teluk Nibung',
  'Kel. Kapias Pulau Buaya, Kec. Teluk Nibung',
] as const;

/** A home address in or near the city. */
export const address = (random: Random): string => {
  const street = random.chance(0.15)
    ? `Gg. ${random.pick(['Melati', 'Mawar', 'Damai', 'Rukun', 'Keluarga', 'Sepakat', 'Bahagia'])}, ${random.pick(STREETS)}`
    : random.pick(STREETS);
  if (random.chance(0.1))
    return `${street} No. ${random.int(1, 180)}, ${random.pick(['Kisaran', 'Air Joman', 'Sei Kepayang', 'Simpang Empat'])}, Kabupaten Asahan`;
  return `${street} No. ${random.int(1, 250)}, ${random.pick(PLACES)}, Kota Tanjungbalai`;
};
